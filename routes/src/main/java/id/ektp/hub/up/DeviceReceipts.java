package id.ektp.hub.up;

import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.connectors.device.DeviceConnector;
import id.ektp.hub.connectors.device.DeviceRef;
import id.ektp.hub.connectors.link.Link;
import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.store.Receipts;
import id.ektp.hub.store.Receipts.Receipt;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the receipts a device is owed ({@link Receipts}) to its {@code receiptsDir}, a bounded
 * number per pass, on the device's own receipts route: never on an intake thread, so receipts
 * never slow a packet down. A device that cannot be written to keeps its receipts in the store;
 * it is tried again after 1 s, doubling up to {@value #MAX_DELAY_MINUTES} minutes, and at once
 * when its intake polls find it up again (its link, fed by intake alone). Only the newest state
 * of each packet is written: a state raised while an older one was being written is written at
 * the next pass. A HELD receipt is written only once the packet has been held for
 * {@link #HELD_SETTLES}: the usual packet, forwarded within a few seconds, costs its device one
 * write (FORWARDED), not two.
 */
public final class DeviceReceipts {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.receipts");
    public static final String SCHEMA = "ektp.packet-receipt/1";
    /** Receipts written per pass and device: one pass stays short, so a stop or a reload never waits long. */
    static final int PER_PASS = 100;
    static final long MAX_DELAY_MINUTES = 5;
    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    /** A HELD receipt waits this long: most packets are forwarded by then, and get their FORWARDED one only. */
    static final Duration HELD_SETTLES = Duration.ofSeconds(5);
    private static final String RECEIPT = "ektpReceipt";

    /** A device not written to since {@code failedAt}: the next try, and the delay that led to it. */
    private record Waiting(Instant failedAt, Instant nextTry, Duration delay) {}

    private final Receipts receipts;
    private final Messages messages;
    private final Links deviceLinks;
    private final Clock clock;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

    public DeviceReceipts(Receipts receipts, Messages messages, Links deviceLinks, Clock clock) {
        this.receipts = receipts;
        this.messages = messages;
        this.deviceLinks = deviceLinks;
        this.clock = clock;
    }

    /** The receipts to write now: none while the device is waited for. */
    public List<Receipt> due(@Header(DeviceConnector.DEVICE_HEADER) String deviceKey) {
        Waiting w = waiting.get(deviceKey);
        if (w != null && clock.instant().isBefore(w.nextTry()) && !backSince(deviceKey, w.failedAt())) {
            return List.of();
        }
        return receipts.unsent(deviceKey, clock.instant().minus(HELD_SETTLES), PER_PASS);
    }

    /** Turns one receipt into its file: {@code <packetId>.receipt.json}, ICD §1's fields and nothing else. */
    public void file(Exchange exchange) {
        Receipt r = exchange.getMessage().getBody(Receipt.class);
        exchange.setProperty(RECEIPT, r);
        ObjectNode doc = messages.document(SCHEMA);
        doc.put("packetId", r.packetId());
        doc.put("state", r.state());
        doc.put("at", messages.time(r.at()));
        doc.put("detail", r.detail());
        exchange.getMessage().setHeader(Exchange.FILE_NAME, r.packetId() + ".receipt.json");
        exchange.getMessage().setBody(Messages.text(doc).getBytes(StandardCharsets.UTF_8));
    }

    /** The file is on the device: the receipt is marked written (unless a newer state came meanwhile). */
    public void written(Exchange exchange, @Header(DeviceConnector.DEVICE_HEADER) String deviceKey) {
        receipts.sent(exchange.getProperty(RECEIPT, Receipt.class), clock.instant());
        Waiting w = waiting.remove(deviceKey);
        if (w != null) {
            LOG.info("receipts to device {}: written again (waited since {})", DeviceRef.of(deviceKey), w.failedAt());
        }
    }

    /** The write failed (the device is down, its folder not writable): the receipts wait, with backoff. */
    public void failed(Exchange exchange, @Header(DeviceConnector.DEVICE_HEADER) String deviceKey) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Instant now = clock.instant();
        Waiting before = waiting.get(deviceKey);
        Duration delay = before == null ? FIRST_DELAY
                : min(before.delay().multipliedBy(2), Duration.ofMinutes(MAX_DELAY_MINUTES));
        waiting.put(deviceKey, new Waiting(before == null ? now : before.failedAt(), now.plus(delay), delay));
        if (before == null) {
            LOG.warn("receipts to device {}: cannot write ({}); they wait on the hub and are tried again, up to every"
                    + " {} min", DeviceRef.of(deviceKey), Links.describe(e), MAX_DELAY_MINUTES);
        }
    }

    /** Whether the device's intake has reached it after {@code since}: then the receipts go at once. */
    private boolean backSince(String deviceKey, Instant since) {
        return deviceLinks.link(deviceKey).filter(Link::up).map(l -> l.since().isAfter(since)).orElse(false);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
