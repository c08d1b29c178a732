package id.ektp.hub.across;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.config.HubConfig.Regency;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Builds the JSON documents of ICD section 3. Every document carries its {@code schema};
 * times are ISO-8601 with the regency's offset.
 */
public final class Messages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Regency regency;
    private final Clock clock;

    public Messages(Regency regency, Clock clock) {
        this.regency = regency;
        this.clock = clock;
    }

    public ObjectNode document(String schema) {
        ObjectNode node = JSON.createObjectNode();
        node.put("schema", schema);
        return node;
    }

    /** A failure report of {@code kind}, with its {@code reportId}; the caller adds the kind's fields. */
    public ObjectNode failureReport(String reportId, String kind) {
        ObjectNode node = document(Queues.FAILURE_REPORT);
        node.put("reportId", reportId);
        node.put("regencyCode", regency.code());
        node.put("kind", kind);
        node.put("at", now());
        return node;
    }

    public String now() {
        return time(clock.instant());
    }

    public String time(Instant instant) {
        return instant == null ? null
                : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.ofInstant(instant, regency.timeZone()));
    }

    public Regency regency() {
        return regency;
    }

    public Instant instant() {
        return clock.instant();
    }

    public static String text(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of our own always serialises", e);
        }
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
