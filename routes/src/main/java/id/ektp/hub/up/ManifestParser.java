package id.ektp.hub.up;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import id.ektp.hub.codes.Codes;
import id.ektp.hub.codes.UntrustedText;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns {@code manifest.json} (ICD §1, schema {@code ektp.enrollment/1}) into a {@link Manifest},
 * checking each field by hand rather than binding, so a rejection names the field and what is wrong
 * with it. Checks form only; whether the values fit the packet (file name, origin, entries present)
 * is {@link PacketInspector}'s business, and the NIK's own rules are checked there too.
 */
final class ManifestParser {

    static final String SCHEMA = "ektp.enrollment/1";
    private static final Set<String> KINDS = Set.of("NEW", "UPDATE", "RE_RECORD");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    /** A key given twice or anything after the document would make the manifest mean two things. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ManifestParser() {}

    static Manifest parse(byte[] json) throws PacketRejectedException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new PacketRejectedException(RejectReason.MALFORMED_MANIFEST,
                    "manifest.json is not valid JSON: " + UntrustedText.sentence(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            // Parsing a byte array does no I/O; Jackson only declares it.
            throw new PacketRejectedException(RejectReason.MALFORMED_MANIFEST,
                    "manifest.json cannot be parsed: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new PacketRejectedException(RejectReason.MALFORMED_MANIFEST, "manifest.json is not a JSON object");
        }

        // The schema decides what every other field means, so it is checked before them (ICD §0).
        JsonNode schema = root.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new PacketRejectedException(RejectReason.UNKNOWN_SCHEMA,
                    "manifest has no schema string; expected \"" + SCHEMA + "\"");
        }
        if (!schema.textValue().equals(SCHEMA)) {
            throw new PacketRejectedException(RejectReason.UNKNOWN_SCHEMA,
                    "manifest schema is " + UntrustedText.quoted(schema.textValue()) + "; only \"" + SCHEMA + "\" is accepted");
        }

        String packetId = matching(root, "packetId", Codes.PACKET_ID, "KKKKKK-DEVICE-yyyyMMddHHmmss-NNNN");
        String nik = nik(root);
        String kecamatanCode = matching(root, "kecamatanCode", Codes.KECAMATAN, "PP.RR.KK");
        String deviceId = matching(root, "deviceId", Codes.DEVICE_ID, "2-16 of A-Z and 0-9");
        String operatorId = text(root, "operatorId");
        if (operatorId.isBlank()) {
            throw invalid("field operatorId is empty");
        }
        OffsetDateTime capturedAt = timeWithOffset(root, "capturedAt");
        String kind = text(root, "kind");
        if (!KINDS.contains(kind)) {
            throw invalid("field kind is " + UntrustedText.quoted(kind) + "; expected NEW, UPDATE or RE_RECORD");
        }
        List<Manifest.Entry> entries = entries(root);
        return new Manifest(packetId, nik, kecamatanCode, deviceId, operatorId, capturedAt, kind, entries);
    }

    private static List<Manifest.Entry> entries(JsonNode root) throws PacketRejectedException {
        JsonNode list = root.get("entries");
        if (list == null) {
            throw invalid("field entries is missing");
        }
        if (!list.isArray()) {
            throw invalid("field entries must be a list, not " + describe(list));
        }
        if (list.isEmpty()) {
            throw invalid("field entries is an empty list");
        }
        List<Manifest.Entry> entries = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String where = "entries[" + i + "]";
            if (!item.isObject()) {
                throw invalid(where + " must be an object with name, size and sha256, not " + describe(item));
            }
            String name = text(item, "name", where + ".name");
            JsonNode size = item.get("size");
            if (size == null) {
                throw invalid(where + ".size is missing");
            }
            // A whole number of bytes; "1234" or 1234.0 is a device bug, not something to guess about.
            if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
                throw invalid(where + ".size must be a whole number of bytes, not " + describe(size));
            }
            String sha256 = text(item, "sha256", where + ".sha256");
            if (!SHA256_HEX.matcher(sha256).matches()) {
                throw invalid(where + ".sha256 must be 64 hexadecimal digits, not \"" + abbreviate(sha256) + "\"");
            }
            entries.add(new Manifest.Entry(name, size.longValue(), sha256.toLowerCase(Locale.ROOT)));
        }
        return entries;
    }

    private static String matching(JsonNode root, String field, Pattern form, String formName)
            throws PacketRejectedException {
        String value = text(root, field);
        if (!form.matcher(value).matches()) {
            throw invalid("field " + field + " is \"" + abbreviate(value) + "\"; expected " + formName);
        }
        return value;
    }

    private static OffsetDateTime timeWithOffset(JsonNode root, String field) throws PacketRejectedException {
        String value = text(root, field);
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            throw invalid("field " + field + " is \"" + abbreviate(value)
                    + "\"; expected an ISO-8601 time with offset such as 2026-11-23T08:15:00+07:00");
        }
    }

    /** Like any string field, but a mistyped NIK is not quoted: details end up in reports. */
    private static String nik(JsonNode root) throws PacketRejectedException {
        JsonNode value = root.get("nik");
        if (value == null) {
            throw invalid("field nik is missing");
        }
        if (!value.isTextual()) {
            throw invalid("field nik must be a string, not " + (value.isNumber() ? "a number" : describe(value)));
        }
        return value.textValue();
    }

    private static String text(JsonNode node, String field) throws PacketRejectedException {
        return text(node, field, "field " + field);
    }

    private static String text(JsonNode node, String field, String where) throws PacketRejectedException {
        JsonNode value = node.get(field);
        if (value == null) {
            throw invalid(where + " is missing");
        }
        if (!value.isTextual()) {
            throw invalid(where + " must be a string, not " + describe(value));
        }
        return value.textValue();
    }

    /** What a JSON value is, for a sentence: {@code the string "12"}, {@code the number 12}, {@code null}. */
    private static String describe(JsonNode value) {
        if (value.isTextual()) {
            return "the string \"" + abbreviate(value.textValue()) + "\"";
        }
        if (value.isNumber()) {
            return "the number " + abbreviate(value.asText());
        }
        if (value.isNull()) {
            return "null";
        }
        if (value.isBoolean()) {
            return "the boolean " + value.asText();
        }
        return value.isArray() ? "a list" : "an object";
    }

    /** Device-supplied text quoted in a detail: kept short, control characters made visible, NIKs masked. */
    private static String abbreviate(String text) {
        return UntrustedText.forLog(text);
    }

    private static PacketRejectedException invalid(String detail) {
        return new PacketRejectedException(RejectReason.INVALID_MANIFEST, "manifest " + detail);
    }
}
