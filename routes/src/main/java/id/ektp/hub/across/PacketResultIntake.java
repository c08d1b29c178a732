package id.ektp.hub.across;

import id.ektp.hub.codes.Nik;
import id.ektp.hub.codes.UntrustedText;
import id.ektp.hub.spool.SecureFiles;
import id.ektp.hub.store.FollowUps;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.PacketRecord;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.PacketResults;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import id.ektp.hub.store.Receipts;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the ministry's {@code ektp.packet-result/1} for a packet the hub forwarded (ICD §1,
 * "Ministry results"). Results may come more than once and in any order: a final one (ENROLLED,
 * DUPLICATE, REJECTED) is recorded once and never replaced, a RECEIVED never moves a packet back,
 * a repeat changes nothing. A final result raises the device's receipt and, for DUPLICATE and
 * REJECTED, the follow-up (the resident must come in), in the same transaction.
 *
 * <p>A message that is not a result ({@code MALFORMED_RESULT}), a result for a packet this hub
 * never forwarded ({@code UNKNOWN_PACKET}) or a second, different final result
 * ({@code CONFLICTING_RESULT}) is quarantined with its text and the reason, logged once, and
 * consumed: a bad message never blocks the queue. Only a local failure (the hub's disk) throws,
 * which rolls the JMS transaction back for a redelivery.
 */
public final class PacketResultIntake {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.results");
    /** Quarantine ids of results start so: {@code packet-result~...}; their files are in {@code quarantine/messages/}. */
    public static final String ID_PREFIX = "packet-result~";
    public static final String MALFORMED_RESULT = "MALFORMED_RESULT";
    public static final String UNKNOWN_PACKET = "UNKNOWN_PACKET";
    public static final String CONFLICTING_RESULT = "CONFLICTING_RESULT";

    /** Why a result is kept in quarantine rather than taken. */
    private record Refusal(String reason, String detail) {}

    private final HubStore store;
    private final PacketRecords packets;
    private final PacketResults results;
    private final FollowUps followUps;
    private final QuarantineRecords quarantine;
    private final Path quarantineDir;
    private final String regencyCode;
    private final Clock clock;

    public PacketResultIntake(HubStore store, PacketRecords packets, PacketResults results, FollowUps followUps,
                              QuarantineRecords quarantine, Path dataDir, String regencyCode, Clock clock)
            throws IOException {
        this.store = store;
        this.packets = packets;
        this.results = results;
        this.followUps = followUps;
        this.quarantine = quarantine;
        this.quarantineDir = SecureFiles.ownerOnlyDirectories(dataDir.resolve("quarantine/messages"));
        this.regencyCode = regencyCode;
        this.clock = clock;
    }

    /**
     * The JMS message itself (the endpoint does not map it, as for allocations): no body a sender
     * chose, of whatever type, can fail the exchange before it is quarantined and come back for ever.
     */
    public void receive(@Body Message message) throws IOException {
        String messageId = AllocationIntake.messageId(message);
        String malformedId = ID_PREFIX + UntrustedText.fileName(messageId);
        String shownId = messageId == null ? "(none)" : UntrustedText.forLog(messageId);
        if (!(message instanceof TextMessage textMessage)) {
            hold(malformedId, shownId, AllocationIntake.nonTextContent(message), new Refusal(MALFORMED_RESULT,
                    "a " + AllocationIntake.type(message) + ", not a text message: a result is JSON text (ICD §3)"));
            return;
        }
        String text;
        try {
            text = textMessage.getText();
        } catch (JMSException e) {
            hold(malformedId, shownId, new byte[0], new Refusal(MALFORMED_RESULT, "its text cannot be read: "
                    + e.getMessage()));
            return;
        }
        byte[] kept = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
        PacketResult result;
        try {
            result = PacketResult.parse(text, regencyCode);
        } catch (PacketResult.Malformed e) {
            hold(malformedId, shownId, kept, new Refusal(MALFORMED_RESULT, e.getMessage()));
            return;
        }
        Optional<Refusal> refused = store.transact(c -> take(result));
        if (refused.isPresent()) {
            // The same result again is the same item: held (and logged) once.
            hold(ID_PREFIX + result.packetId() + "~" + result.status(), result.packetId(), kept, refused.get());
        }
    }

    /**
     * An operator's release of a quarantined result: parsed and checked again (an UNKNOWN_PACKET
     * one is taken once the packet has been forwarded) and, if taken now, the entry is marked
     * RELEASED in the same transaction. Returns {@code "REASON: sentence"} when it stays held.
     */
    public Optional<String> release(QuarantineEntry entry, Path file) throws IOException {
        PacketResult result;
        try {
            result = PacketResult.parse(Files.readString(file, StandardCharsets.UTF_8), regencyCode);
        } catch (PacketResult.Malformed e) {
            return Optional.of(MALFORMED_RESULT + ": " + e.getMessage());
        }
        Optional<Refusal> refused = store.transact(c -> {
            Optional<Refusal> still = take(result);
            if (still.isEmpty()) {
                quarantine.release(entry.quarantineId(), "checked again: " + result.status() + " taken for packet "
                        + result.packetId());
            }
            return still;
        });
        if (refused.isPresent()) {
            return Optional.of(refused.get().reason() + ": " + refused.get().detail());
        }
        Files.deleteIfExists(file);
        return Optional.empty();
    }

    /** Records the result if it is the packet's to take; the refusal otherwise. Runs in the caller's transaction. */
    private Optional<Refusal> take(PacketResult r) {
        Instant now = clock.instant();
        Optional<PacketRecord> packet = packets.find(r.packetId());
        if (packet.isEmpty()) {
            return Optional.of(new Refusal(UNKNOWN_PACKET, "the hub never had packet " + r.packetId()
                    + "; a " + r.status() + " result is only taken for a packet it forwarded"));
        }
        if (packet.get().state() != PacketState.FORWARDED) {
            return Optional.of(new Refusal(UNKNOWN_PACKET, "packet " + r.packetId() + " is " + packet.get().state()
                    + " here, never forwarded to the ministry; its " + r.status() + " result is kept until it is"));
        }
        Optional<PacketResults.Result> current = results.find(r.packetId());
        String at = r.at().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        if (current.isPresent() && current.get().isFinal()) {
            if (current.get().status().equals(r.status())) {
                results.ignored(r.packetId(), r.status(), at, "repeated", now);
                return Optional.empty();
            }
            if (!r.isFinal()) {
                results.ignored(r.packetId(), r.status(), at, "the packet is already " + current.get().status(), now);
                return Optional.empty();
            }
            return Optional.of(new Refusal(CONFLICTING_RESULT, "packet " + r.packetId() + " is already "
                    + current.get().status() + " (at " + current.get().at() + "); a final result never changes, so "
                    + r.status() + " is kept for the regency office to ask the ministry"));
        }
        if (!r.isFinal()) {
            if (current.isEmpty()) {
                results.record(r.packetId(), r.status(), at, null, now);
            } else {
                results.ignored(r.packetId(), r.status(), at, "repeated", now);
            }
            return Optional.empty();
        }
        PacketRecord p = packet.get();
        results.record(r.packetId(), r.status(), at, r.detailJson(), now);
        store.transact(c -> {
            Receipts.raise(c, now, r.packetId(), p.kecamatan().replace(".", "") + "-" + p.deviceId(), r.status(),
                    r.receiptDetail());
            return null;
        });
        switch (r.status()) {
            case PacketResult.DUPLICATE, PacketResult.REJECTED ->
                    followUps.open(r.packetId(), r.status(), p.kecamatan(), r.at().toInstant(), r.detailJson(), now);
            default -> {
                followUps.close(r.packetId(), "ENROLLED", now); // overdue until now
                followUps.closeEarlierOf(r.packetId(), now);
            }
        }
        LOG.info("packet {} ({}/{}): ministry result {}", r.packetId(), p.kecamatan(), p.deviceId(), r.status());
        return Optional.empty();
    }

    /**
     * Keeps the message's content under {@code id} (a safe name: a parsed packet id, or the
     * message id hashed by {@link UntrustedText#fileName} when it is not one) with the reason; its
     * detail, which may quote the sender's text, is bounded, escaped and NIK-masked.
     */
    private void hold(String id, String subject, byte[] content, Refusal refusal) throws IOException {
        Optional<QuarantineEntry> known = quarantine.find(id);
        if (known.isPresent() && known.get().state().equals(QuarantineEntry.HELD)) {
            return; // sent again: already held and reported
        }
        String detail = Nik.maskAll(UntrustedText.sentence(refusal.detail()));
        Path file = quarantineDir.resolve(id + ".json");
        Files.deleteIfExists(file);
        SecureFiles.createOwnerOnlyFile(file);
        Files.write(file, content);
        SecureFiles.fsync(file);
        quarantine.hold(id, AllocationIntake.FLOW, subject, "messages/" + file.getFileName(), "ministry broker",
                refusal.reason(), detail);
        LOG.warn("packet result {} QUARANTINED {}: {} (kept in {})", subject, refusal.reason(), detail, file);
    }
}
