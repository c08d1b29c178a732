package id.ektp.hub.across;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.HubTestEnvironment.TestDevice;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.CronTrigger;
import org.quartz.TriggerKey;

/**
 * The stock check's cron runs in the regency's zone, not the JVM's: a container's JVM is in UTC,
 * and "0 0 7 * * ?" in Jayapura must fire at 07:00 WIT, not at 16:00. The status document's
 * times carry the same zone. (A regency in WIT, so that neither UTC nor WIB can pass for it.)
 */
class StockCheckScheduleTest {
    static final ZoneId WIT = ZoneId.of("Asia/Jayapura");

    @TempDir
    Path root;
    HubTestEnvironment env;

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void theStockCheckFiresAtSevenInTheRegencysZoneAlsoAfterAnEdit() throws Exception {
        env = HubTestEnvironment.create(root, List.of(new TestDevice("91.71.01", "JPR01")))
                .withRegency("{code: \"91.71\", name: \"Kota Jayapura (test)\"}");
        Hub hub = env.startHub();

        assertEquals(LocalTime.of(7, 0), nextStockCheck(hub).toLocalTime());

        env.editConfig(hub, "0 0 7 * * ?", "0 30 6 * * ?");
        assertEquals(LocalTime.of(6, 30), nextStockCheck(hub).toLocalTime(), "the replaced route keeps the zone");

        JsonNode status = Messages.json().readTree(env.httpGet("/api/status"));
        assertTrue(status.get("at").asText().endsWith("+09:00"), status.get("at").asText());
    }

    /** When the stock check fires next, in WIT, as the Quartz trigger says. */
    static ZonedDateTime nextStockCheck(Hub hub) throws Exception {
        QuartzComponent quartz = hub.camelContext().getComponent("quartz", QuartzComponent.class);
        CronTrigger trigger = (CronTrigger) quartz.getScheduler().getTrigger(TriggerKey.triggerKey("stock-check", "ektp"));
        assertEquals(WIT.getId(), trigger.getTimeZone().getID());
        return trigger.getNextFireTime().toInstant().atZone(WIT);
    }
}
