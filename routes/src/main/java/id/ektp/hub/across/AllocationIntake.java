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
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes an {@code ektp.stock-allocation/1} from the ministry. A valid one is recorded as
 * announced; anything else is quarantined with the reason and its text kept on disk, and the
 * message is consumed either way: a bad message must neither be lost nor block the queue.
 * Only a local failure (disk) throws, which rolls the JMS transaction back for a redelivery.
 */
public final class AllocationIntake {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.stock");
    public static final String FLOW = "ACROSS";

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

    public void receive(@Body String text, @Header("JMSMessageID") String jmsMessageId,
                        @Header(Queues.MESSAGE_ID) String ektpMessageId) throws IOException {
        String messageId = ektpMessageId != null ? ektpMessageId : jmsMessageId;
        try {
            Allocation allocation = parse(text);
            stock.announced(allocation);
        } catch (Malformed e) {
            String id = "allocation~" + (messageId == null ? "unknown" : messageId).replaceAll("[^A-Za-z0-9._-]", "_");
            Path file = quarantineDir.resolve(id + ".json");
            Files.deleteIfExists(file);
            SecureFiles.createOwnerOnlyFile(file);
            Files.writeString(file, text == null ? "" : text, StandardCharsets.UTF_8);
            SecureFiles.fsync(file);
            quarantine.hold(id, FLOW, messageId == null ? "unknown" : messageId, "messages/" + file.getFileName(),
                    "ministry broker", e.reason, e.getMessage());
            LOG.warn("allocation message {} rejected: {}: {} (kept in {})", UntrustedText.forLog(messageId), e.reason,
                    UntrustedText.sentence(e.getMessage()), file);
        }
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
            allocation = parse(Files.readString(file, StandardCharsets.UTF_8));
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
            throw new Malformed("MALFORMED_JSON", "not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new Malformed("MALFORMED_JSON", "not a JSON object");
        }
        String schema = node.path("schema").asText(null);
        if (!Queues.STOCK_ALLOCATION.equals(schema)) {
            throw new Malformed("UNKNOWN_SCHEMA", "schema is " + (schema == null ? "missing" : "\"" + schema + "\"")
                    + "; only \"" + Queues.STOCK_ALLOCATION + "\" is accepted");
        }
        String id = text(node, "allocationId");
        String regency = text(node, "regencyCode");
        if (!regency.equals(regencyCode)) {
            throw new Malformed("WRONG_REGENCY", "regencyCode is " + regency + ", this hub is " + regencyCode);
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
            throw new Malformed("INVALID_FIELD", "shippedAt is not an ISO-8601 time with offset: " + shippedAt);
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
            throw new Malformed("INVALID_FIELD", field + " " + value + " is not a blank serial ([A-Z0-9]{8,20})");
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
