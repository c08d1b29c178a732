package id.ektp.hub.sandbox.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ministry's side of the queues: reads what the hub sends (reports, requests, receipts,
 * pickup notices, status), says in one line what each means, and answers a stock request with
 * an allocation a little later, as the ministry's warehouse would.
 */
public final class MinistryDesk implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("sandbox.ministry");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> QUEUES = List.of("EKTP.REPORTS.FAILURES", "EKTP.STOCK.REQUESTS",
            "EKTP.PRR.RECEIPTS", "EKTP.NOTIFY.PICKUP", "EKTP.HUB.STATUS");

    private final EmbeddedBroker broker;
    private final String regencyCode;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger serial = new AtomicInteger(1_000_000);
    private final AtomicInteger notices = new AtomicInteger();

    public MinistryDesk(EmbeddedBroker broker, String regencyCode, ScheduledExecutorService scheduler) {
        this.broker = broker;
        this.regencyCode = regencyCode;
        this.scheduler = scheduler;
    }

    @Override
    public void run() {
        for (String queue : QUEUES) {
            try {
                for (EmbeddedBroker.ReceivedMessage m : broker.receiveAll(queue, java.time.Duration.ZERO)) {
                    read(queue, JSON.readTree(m.text()));
                }
            } catch (Exception e) {
                LOG.warn("ministry desk: {}: {}", queue, e.toString());
            }
        }
    }

    private void read(String queue, JsonNode m) {
        switch (queue) {
            case "EKTP.REPORTS.FAILURES" -> LOG.info("ministry: failure report {}: {}", m.path("kind").asText(), summary(m));
            case "EKTP.STOCK.REQUESTS" -> {
                int quantity = m.path("requested").asInt();
                LOG.info("ministry: stock request {} for {} blanks ({}, {} on hand): shipping", m.path("requestId").asText(),
                        quantity, m.path("reason").asText(), m.path("onHand").asText());
                scheduler.schedule(() -> allocate(quantity), 5, TimeUnit.SECONDS);
            }
            case "EKTP.PRR.RECEIPTS" -> LOG.info("ministry: receipt for {}: {} accepted, {} rejected",
                    m.path("batchId").asText(), m.path("accepted").asInt(), m.path("rejected").size());
            case "EKTP.NOTIFY.PICKUP" -> {
                if (notices.incrementAndGet() % 10 == 1) {
                    LOG.info("sms gateway: {} pickup notice(s) so far; latest: card {} ready at kecamatan {} (NIK {})",
                            notices.get(), m.path("prrId").asText(), m.path("pickupKecamatanCode").asText(), m.path("nik").asText());
                }
            }
            default -> LOG.debug("ministry: hub status {}", m);
        }
    }

    private static String summary(JsonNode m) {
        return switch (m.path("kind").asText()) {
            case "DEVICE_DOWN" -> m.path("kecamatanCode").asText() + "/" + m.path("deviceId").asText() + " down since "
                    + m.path("since").asText() + " (" + m.path("cause").asText() + "); residents can record at "
                    + m.path("nearestWorking");
            case "DEVICE_UP" -> m.path("kecamatanCode").asText() + "/" + m.path("deviceId").asText() + " back";
            case "PACKET_REJECTED" -> m.path("packetId").asText() + ": " + m.path("reason").asText();
            case "PACKET_OVERDUE" -> m.path("packetId").asText() + " forwarded " + m.path("forwardedAt").asText()
                    + " and not answered: the ministry looks for it";
            case "PRINT_FAILURE" -> m.path("prrId").asText() + " on " + m.path("printerId").asText() + ": " + m.path("reason").asText();
            default -> m.toString();
        };
    }

    private void allocate(int quantity) {
        int from = serial.getAndAdd(quantity);
        ObjectNode a = JSON.createObjectNode();
        a.put("schema", "ektp.stock-allocation/1");
        a.put("allocationId", "ALLOC-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase());
        a.put("regencyCode", regencyCode);
        a.put("quantity", quantity);
        a.put("serialFrom", String.format("BLK2026S%07d", from));
        a.put("serialTo", String.format("BLK2026S%07d", from + quantity - 1));
        a.put("shippedAt", OffsetDateTime.now(ZoneOffset.ofHours(7)).withNano(0).toString());
        broker.send("EKTP.STOCK.ALLOCATIONS." + regencyCode.replace(".", ""), a.toString(),
                Map.of("EktpMessageId", UUID.randomUUID().toString(), "EktpType", "ektp.stock-allocation/1",
                        "EktpRegency", regencyCode));
        LOG.info("ministry: allocation {} of {} blanks shipped", a.get("allocationId").asText(), quantity);
    }
}
