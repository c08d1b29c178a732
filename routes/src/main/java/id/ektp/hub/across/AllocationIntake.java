package id.ektp.hub.across;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.codes.Codes;
import id.ektp.hub.codes.UntrustedText;
import id.ektp.hub.spool.SecureFiles;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import id.ektp.hub.store.StockLedger.Allocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes an {@code ektp.stock-allocation/1} from the ministry. A valid one is recorded as
 * announced; anything else (a message that is not text too) is quarantined with the reason and
 * its content kept on disk, and the message is consumed either way: a bad message must neither
 * be lost nor block the queue.
 * Only a local failure (disk) throws, which rolls the JMS transaction back for a redelivery.
 */
public final class AllocationIntake {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.stock");
    public static final String FLOW = "ACROSS";
    /** How much of a message id an entry, a log line or a detail shows. */
    /** Most bytes of a bytes message kept; the ICD's allocations are a few hundred. */
    private static final long MAX_KEPT_BYTES = 1 << 20;

    private final HubStore store;
    private final StockKeeper stock;
    private final QuarantineRecords quarantine;
    private final Path quarantineDir;
    private final String regencyCode;
    private final Clock clock;

    public AllocationIntake(HubStore store, StockKeeper stock, QuarantineRecords quarantine, Path dataDir,
                            String regencyCode, Clock clock) throws IOException {
        this.store = store;
        this.clock = clock;
        this.stock = stock;
        this.quarantine = quarantine;
        this.quarantineDir = SecureFiles.ownerOnlyDirectories(dataDir.resolve("quarantine/messages"));
        this.regencyCode = regencyCode;
    }

    /**
     * The JMS message itself (the endpoint does not map it), so that no body a sender chose, of
     * whatever type, can fail the exchange before it is quarantined.
     */
    public void receive(@Body Message message) throws IOException {
        String messageId = messageId(message);
        if (!(message instanceof TextMessage textMessage)) {
            hold(messageId, new Kept(nonTextContent(message), ".bin"), "NOT_TEXT",
                    "a " + type(message) + ", not a text message: an allocation is JSON text (ICD §3)");
            return;
        }
        String text;
        try {
            text = textMessage.getText();
        } catch (JMSException e) {
            hold(messageId, new Kept(new byte[0], ".json"), "MALFORMED_JSON", "its text cannot be read: "
                    + UntrustedText.sentence(e.getMessage()));
            return;
        }
        try {
            Allocation allocation = parse(text);
            stock.announced(allocation);
        } catch (Malformed e) {
            hold(messageId, new Kept((text == null ? "" : text).getBytes(StandardCharsets.UTF_8), ".json"),
                    e.reason, e.getMessage());
        }
    }

    /** What is kept of a message, and the file name's ending that says what it is. */
    private record Kept(byte[] bytes, String extension) {}

    /**
     * Quarantines a message under a name made from its id: the id itself when it is a safe
     * short name, else a hash of it ({@link UntrustedText#fileName}), so that nothing in the message
     * can make the file or the entry fail and the message come back for ever. The id as sent is
     * kept, bounded and escaped, as the entry's subject and, when hashed, in its detail.
     */
    private void hold(String messageId, Kept kept, String reason, String detail) throws IOException {
        String name = UntrustedText.fileName(messageId);
        String shownId = messageId == null ? "(none)" : UntrustedText.forLog(messageId);
        String fullDetail = name.equals(messageId) ? detail
                : detail + "; named by a hash of its EktpMessageId \"" + shownId + "\"";
        String id = "allocation~" + name;
        Path file = quarantineDir.resolve(id + kept.extension());
        Files.deleteIfExists(file);
        SecureFiles.createOwnerOnlyFile(file);
        Files.write(file, kept.bytes());
        SecureFiles.fsync(file);
        quarantine.hold(id, FLOW, shownId, "messages/" + file.getFileName(), "ministry broker", reason, fullDetail);
        LOG.warn("allocation message {} rejected: {}: {} (kept in {})", shownId, reason, detail, file);
    }

    /** {@code EktpMessageId}, or the broker's {@code JMSMessageID} when the sender gave none. */
    static String messageId(Message message) {
        try {
            String id = message.getStringProperty(Queues.MESSAGE_ID);
            return id != null ? id : String.valueOf(message.getJMSMessageID());
        } catch (JMSException e) {
            return "unknown";
        }
    }

    static String type(Message message) {
        for (Class<?> kind : List.of(BytesMessage.class, MapMessage.class, ObjectMessage.class, StreamMessage.class)) {
            if (kind.isInstance(message)) {
                return kind.getSimpleName();
            }
        }
        return "JMS message without a body";
    }

    /**
     * What is kept of a message that is not text: a bytes message's bytes (a sender that sent
     * JSON as bytes can be released once looked at), a map message's entries as text; of the
     * other kinds only what they are, as their content cannot be read without trusting it.
     */
    static byte[] nonTextContent(Message message) {
        try {
            if (message instanceof BytesMessage bytes) {
                byte[] content = new byte[(int) Math.min(bytes.getBodyLength(), MAX_KEPT_BYTES)];
                bytes.readBytes(content);
                return content;
            }
            if (message instanceof MapMessage map) {
                Map<String, String> entries = new TreeMap<>();
                for (Enumeration<?> names = map.getMapNames(); names.hasMoreElements();) {
                    String name = String.valueOf(names.nextElement());
                    entries.put(name, String.valueOf(map.getObject(name)));
                }
                return Messages.text(Messages.json().valueToTree(entries)).getBytes(StandardCharsets.UTF_8);
            }
        } catch (JMSException e) {
            return ("its content cannot be read: " + UntrustedText.sentence(e.getMessage())).getBytes(StandardCharsets.UTF_8);
        }
        return ("a " + type(message) + "; its content is not kept").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An operator's release of a quarantined allocation: the kept text is parsed again with the
     * same rules (a WRONG_REGENCY one passes once the hub's regency code is corrected) and, if
     * valid, recorded as announced with the entry marked RELEASED in the same transaction.
     * Returns {@code "REASON: sentence"} when it stays held. Announcing is idempotent by
     * allocation id, so a repeat after a crash only removes the kept text.
     */
    public Optional<String> release(QuarantineEntry entry, Path file) throws IOException {
        Allocation allocation;
        try {
            // Leniently decoded: a bytes message's bytes are kept as they came.
            allocation = parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (Malformed e) {
            return Optional.of(e.reason + ": " + e.getMessage());
        }
        store.transact(c -> {
            quarantine.release(entry.quarantineId(), "checked again: valid; allocation " + allocation.allocationId()
                    + " recorded as announced");
            stock.announced(allocation);
            return null;
        });
        Files.deleteIfExists(file);
        return Optional.empty();
    }

    Allocation parse(String text) throws Malformed {
        JsonNode node;
        try {
            node = Messages.json().readTree(text == null ? "" : text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Malformed("MALFORMED_JSON", "not JSON: " + UntrustedText.sentence(e.getOriginalMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new Malformed("MALFORMED_JSON", "not a JSON object");
        }
        String schema = node.path("schema").asText(null);
        if (!Queues.STOCK_ALLOCATION.equals(schema)) {
            throw new Malformed("UNKNOWN_SCHEMA", "schema is " + (schema == null ? "missing" : "\"" + UntrustedText.forLog(schema) + "\"")
                    + "; only \"" + Queues.STOCK_ALLOCATION + "\" is accepted");
        }
        String id = text(node, "allocationId");
        String regency = text(node, "regencyCode");
        if (!regency.equals(regencyCode)) {
            throw new Malformed("WRONG_REGENCY", "regencyCode is " + UntrustedText.forLog(regency) + ", this hub is " + regencyCode);
        }
        JsonNode quantity = node.path("quantity");
        if (!quantity.canConvertToInt() || !quantity.isIntegralNumber() || quantity.asInt() <= 0) {
            throw new Malformed("INVALID_FIELD", "quantity must be a positive whole number");
        }
        String from = serial(node, "serialFrom");
        String to = serial(node, "serialTo");
        String shippedAt = text(node, "shippedAt");
        try {
            OffsetDateTime.parse(shippedAt);
        } catch (DateTimeParseException e) {
            throw new Malformed("INVALID_FIELD", "shippedAt is not an ISO-8601 time with offset: " + UntrustedText.forLog(shippedAt));
        }
        return new Allocation(id, quantity.asInt(), from, to, shippedAt, clock.instant(), null, null);
    }

    private static String text(JsonNode node, String field) throws Malformed {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new Malformed("INVALID_FIELD", field + " is missing or not text");
        }
        return value.asText();
    }

    private static String serial(JsonNode node, String field) throws Malformed {
        String value = text(node, field);
        if (!Codes.matches(Codes.BLANK_SERIAL, value)) {
            throw new Malformed("INVALID_FIELD", field + " " + UntrustedText.forLog(value) + " is not a blank serial ([A-Z0-9]{8,20})");
        }
        return value;
    }

    static final class Malformed extends Exception {
        final String reason;

        Malformed(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
