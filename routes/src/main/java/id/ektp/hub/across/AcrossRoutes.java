package id.ektp.hub.across;

import static id.ektp.hub.policies.ErrorPolicies.UNTIL_BROKER_TAKES_IT;

import id.ektp.hub.connectors.ministry.MinistryBrokerConnector;
import java.time.ZoneId;
import java.util.Map;
import org.apache.camel.builder.RouteBuilder;

/**
 * ACROSS: messages between the hub and the ministry's broker, and what raises them on schedules.
 *
 * <ul>
 *   <li><b>Outbox</b> ({@value #OUTBOX}): the outbox, oldest first, in chunks of up to
 *       {@value OutboxRelay#CHUNK} persistent JMS text messages, each chunk one JMS transaction
 *       ({@code BrokerChunk}) committed before the chunk is marked sent in one store
 *       transaction ({@link OutboxRelay}). While the broker is unreachable the head is retried for
 *       as long as it takes, so order per queue holds. A crash between the broker's commit and
 *       ours resends at most one chunk with the same {@code EktpMessageId}s, which ICD §3 allows.
 *       A message the broker refuses for good is parked after {@value OutboxRelay#REFUSALS} tries
 *       and the rest goes on.</li>
 *   <li><b>Allocations</b> ({@value #ALLOCATIONS}): shipments the ministry announces, in a local
 *       JMS transaction committed only after {@link AllocationIntake} stored (or quarantined) the
 *       message.</li>
 *   <li><b>Packet results</b> ({@value #RESULTS}): the ministry's answer for each forwarded
 *       packet, taken the same way by {@link PacketResultIntake}.</li>
 *   <li><b>Schedules</b>: the stock check ({@value #STOCK_CHECK}, Quartz cron
 *       {@code stock.checkSchedule} in the regency's zone, {@code regency.timeZone}: a container's
 *       JVM runs in UTC, and "07:00" must not fire at 14:00 WIB), the device watch ({@value #DEVICE_WATCH}, every 2 s), the
 *       overdue check ({@value #PACKET_OVERDUE}, {@link OverdueWatch}) and the
 *       hub status report ({@value #HUB_STATUS}, every {@code reports.statusInterval}). The two
 *       configured ones come from templates, so a config reload replaces them the way it
 *       replaces a device's route.</li>
 * </ul>
 */
public final class AcrossRoutes extends RouteBuilder {
    public static final String OUTBOX = "across-outbox";
    public static final String ALLOCATIONS = "across-allocations";
    public static final String RESULTS = "across-packet-results";
    public static final String STOCK_CHECK = "across-stock-check";
    public static final String DEVICE_WATCH = "across-device-watch";
    public static final String HUB_STATUS = "across-hub-status";
    public static final String PACKET_OVERDUE = "across-packet-overdue";

    private final String stockCron;
    private final ZoneId zone;
    private final long statusIntervalMillis;
    private final long overdueCheckMillis;

    public AcrossRoutes(String stockCron, ZoneId zone, long statusIntervalMillis, long overdueCheckMillis) {
        this.stockCron = stockCron;
        this.zone = zone;
        this.statusIntervalMillis = statusIntervalMillis;
        this.overdueCheckMillis = overdueCheckMillis;
    }

    /** The {@value #STOCK_CHECK} template's parameters: also what a config reload replaces the route with. */
    public static Map<String, String> stockCheck(String cron, ZoneId zone) {
        return Map.of("cron", cron.trim().replaceAll("\\s+", "+"), "zone", zone.getId());
    }

    /** The {@value #HUB_STATUS} template's parameters. */
    public static Map<String, String> hubStatus(long intervalMillis) {
        return Map.of("intervalMillis", String.valueOf(intervalMillis));
    }

    @Override
    public void configure() {
        // greedy: while a poll found messages, poll again at once instead of after the delay.
        from("scheduler:outbox?delay=500&initialDelay=0&greedy=true")
                .routeId(OUTBOX)
                .routeConfigurationId(UNTIL_BROKER_TAKES_IT)
                .bean("outboxRelay", "next")
                .filter(simple("${body.size()} > 0")) // the broker is contacted only when there is something to send
                    .doTry()
                        // chunk after chunk while the backlog lasts, each its own JMS transaction
                        .bean("outboxRelay", "drain(${exchange}, ${ref:" + MinistryBrokerConnector.CHUNK + "})")
                    .doCatch(Exception.class)
                        // A chunk goes one at a time from the next poll on, a refused message counts a
                        // refusal (retried; parked at the last), anything else is retried as it was: a
                        // failure thrown from here is retried by the route's policy, the whole try block.
                        .bean("outboxRelay", "notTaken")
                        .stop() // nothing was sent: the next poll, at once (greedy)
                    .end()
                    .process(MinistryBrokerConnector.reachable())
                    .bean("outboxRelay", "sent")
                .end();

        from(MinistryBrokerConnector.ALLOCATIONS)
                .routeId(ALLOCATIONS)
                .bean("allocationIntake", "receive");

        from(MinistryBrokerConnector.RESULTS)
                .routeId(RESULTS)
                .bean("packetResultIntake", "receive");

        routeTemplate(STOCK_CHECK).templateParameter("cron").templateParameter("zone")
                .from("quartz://ektp/stock-check?cron={{cron}}&trigger.timeZone={{zone}}")
                .bean("stockKeeper", "check");
        templatedRoute(STOCK_CHECK).routeId(STOCK_CHECK).parameters(stockCheck(stockCron, zone));

        from("timer:device-watch?period=2000&delay=2000")
                .routeId(DEVICE_WATCH)
                .bean("deviceWatch", "check");

        from("timer:packet-overdue?period=" + overdueCheckMillis + "&delay=" + overdueCheckMillis)
                .routeId(PACKET_OVERDUE)
                .bean("overdueWatch", "check");

        routeTemplate(HUB_STATUS).templateParameter("intervalMillis")
                .from("timer:hub-status?period={{intervalMillis}}&delay={{intervalMillis}}")
                .bean("hubStatusReport", "raise");
        templatedRoute(HUB_STATUS).routeId(HUB_STATUS).parameters(hubStatus(statusIntervalMillis));
    }
}
