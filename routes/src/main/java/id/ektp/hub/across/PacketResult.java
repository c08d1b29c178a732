package id.ektp.hub.across;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.codes.Codes;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * One {@code ektp.packet-result/1} (ICD §1 and §3), checked: the ministry's answer for one
 * packet after de-duplication. {@code detail} is what the status carries, as the store keeps it
 * (JSON): {@code {"kecamatanCode", "recordedOn"}} for DUPLICATE, {@code {"reason"}} for REJECTED.
 */
public record PacketResult(String packetId, String regencyCode, String status, OffsetDateTime at, ObjectNode detail) {
    public static final String RECEIVED = "RECEIVED";
    public static final String ENROLLED = "ENROLLED";
    public static final String DUPLICATE = "DUPLICATE";
    public static final String REJECTED = "REJECTED";
    public static final List<String> STATUSES = List.of(RECEIVED, ENROLLED, DUPLICATE, REJECTED);
    public static final List<String> REJECT_REASONS = List.of("BIOMETRIC_QUALITY", "DATA_MISMATCH", "FORMAT");

    /** Why a message is not a packet result this hub can take, naming the field. */
    public static final class Malformed extends Exception {
        Malformed(String detail) {
            super(detail, null, false, false);
        }
    }

    public boolean isFinal() {
        return !RECEIVED.equals(status);
    }

    /** The detail as the store keeps it, or null. */
    public String detailJson() {
        return detail == null ? null : Messages.text(detail);
    }

    /**
     * What the device's receipt says, in the words of ICD §1's example; never a NIK (the
     * ministry's {@code duplicateOf} carries none, and only its two fields are kept).
     */
    public String receiptDetail() {
        return receiptDetail(status, detail);
    }

    static String receiptDetail(String status, JsonNode detail) {
        return switch (status) {
            case ENROLLED -> "enrolled by the ministry: the card will be printed, and the resident told when it is ready";
            case DUPLICATE -> "already recorded at " + detail.path("kecamatanCode").asText() + " on "
                    + detail.path("recordedOn").asText() + ": the resident must come to the regency office";
            case REJECTED -> "rejected by the ministry (" + detail.path("reason").asText()
                    + "): the resident must record again";
            default -> "in the ministry's intake";
        };
    }

    /** Parses and checks one message's text; {@code regencyCode} is this hub's. */
    public static PacketResult parse(String text, String regencyCode) throws Malformed {
        JsonNode node;
        try {
            node = Messages.json().readTree(text == null ? "" : text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Malformed("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new Malformed("not a JSON object");
        }
        String schema = node.path("schema").asText(null);
        if (!Queues.PACKET_RESULT.equals(schema)) {
            throw new Malformed("schema is " + (schema == null ? "missing" : "\"" + schema + "\"")
                    + "; only \"" + Queues.PACKET_RESULT + "\" is accepted");
        }
        String packetId = text(node, "packetId");
        if (!Codes.matches(Codes.PACKET_ID, packetId)) {
            throw new Malformed("packetId " + packetId + " is not a packet id (KKKKKK-DEVICE-yyyyMMddHHmmss-NNNN)");
        }
        String regency = text(node, "regencyCode");
        if (!regency.equals(regencyCode)) {
            throw new Malformed("regencyCode is " + regency + ", this hub is " + regencyCode);
        }
        String status = text(node, "status");
        if (!STATUSES.contains(status)) {
            throw new Malformed("status " + status + " is not one of " + STATUSES);
        }
        OffsetDateTime at;
        try {
            at = OffsetDateTime.parse(text(node, "at"));
        } catch (DateTimeParseException e) {
            throw new Malformed("at is not an ISO-8601 time with offset: " + node.path("at").asText());
        }
        ObjectNode detail = null;
        if (DUPLICATE.equals(status)) {
            JsonNode of = node.path("duplicateOf");
            if (!of.isObject()) {
                throw new Malformed("a DUPLICATE needs duplicateOf {kecamatanCode, recordedOn}");
            }
            String kecamatan = text(of, "kecamatanCode", "duplicateOf.kecamatanCode");
            if (!Codes.matches(Codes.KECAMATAN, kecamatan)) {
                throw new Malformed("duplicateOf.kecamatanCode " + kecamatan + " is not a kecamatan code (PP.RR.KK)");
            }
            String recordedOn = text(of, "recordedOn", "duplicateOf.recordedOn");
            try {
                LocalDate.parse(recordedOn);
            } catch (DateTimeParseException e) {
                throw new Malformed("duplicateOf.recordedOn " + recordedOn + " is not a date (yyyy-MM-dd)");
            }
            detail = Messages.json().createObjectNode().put("kecamatanCode", kecamatan).put("recordedOn", recordedOn);
        } else if (REJECTED.equals(status)) {
            String reason = text(node, "reason");
            if (!REJECT_REASONS.contains(reason)) {
                throw new Malformed("reason " + reason + " is not one of " + REJECT_REASONS);
            }
            detail = Messages.json().createObjectNode().put("reason", reason);
        }
        return new PacketResult(packetId, regency, status, at, detail);
    }

    private static String text(JsonNode node, String field) throws Malformed {
        return text(node, field, field);
    }

    private static String text(JsonNode node, String field, String name) throws Malformed {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new Malformed(name + " is missing or not text");
        }
        return value.asText();
    }
}
