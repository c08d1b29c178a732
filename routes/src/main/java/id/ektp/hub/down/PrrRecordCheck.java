package id.ektp.hub.down;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.codes.Codes;
import id.ektp.hub.codes.Nik;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The rules one print-ready record of a batch must meet (ICD §2). A record that fails is
 * rejected alone, with the reason going back to the ministry in the batch's receipt.
 */
final class PrrRecordCheck {
    private static final List<String> TEXT_FIELDS = List.of("name", "birthPlace", "religion", "maritalStatus",
            "occupation", "photoRef");
    private static final Set<String> SEXES = Set.of("L", "P");
    private static final Set<String> CITIZENSHIPS = Set.of("WNI", "WNA");

    private final Predicate<String> configuredKecamatan;

    PrrRecordCheck(Predicate<String> configuredKecamatan) {
        this.configuredKecamatan = configuredKecamatan;
    }

    /** {@code "CODE: sentence"} when the record cannot be printed, empty when it can. */
    Optional<String> problem(JsonNode record) {
        if (!record.isObject()) {
            return reason("INVALID_RECORD", "a record must be a JSON object");
        }
        if (!Codes.matches(Codes.PRR_ID, text(record, "prrId"))) {
            return reason("INVALID_PRR_ID", "prrId must be 8-64 of [A-Za-z0-9-]");
        }
        Optional<String> nik = Nik.problem(text(record, "nik"));
        if (nik.isPresent()) {
            return reason("INVALID_NIK", nik.get());
        }
        for (String field : TEXT_FIELDS) {
            if (blank(text(record, field))) {
                return reason("MISSING_FIELD", field + " is missing or empty");
            }
        }
        try {
            LocalDate.parse(text(record, "birthDate"));
        } catch (DateTimeParseException | NullPointerException e) {
            return reason("INVALID_FIELD", "birthDate must be a date yyyy-MM-dd");
        }
        if (!SEXES.contains(text(record, "sex"))) {
            return reason("INVALID_FIELD", "sex must be L or P");
        }
        if (!CITIZENSHIPS.contains(text(record, "citizenship"))) {
            return reason("INVALID_FIELD", "citizenship must be WNI or WNA");
        }
        JsonNode address = record.path("address");
        if (!address.isObject() || blank(text(address, "street")) || blank(text(address, "desa"))
                || !Codes.matches(Codes.KECAMATAN, text(address, "kecamatanCode"))) {
            return reason("INVALID_FIELD", "address needs street, desa and kecamatanCode (PP.RR.KK)");
        }
        String pickup = text(record, "pickupKecamatanCode");
        if (!Codes.matches(Codes.KECAMATAN, pickup)) {
            return reason("INVALID_FIELD", "pickupKecamatanCode must be a kecamatan code (PP.RR.KK)");
        }
        if (!configuredKecamatan.test(pickup)) {
            return reason("UNKNOWN_KECAMATAN", "pickupKecamatanCode " + pickup + " is not a kecamatan of this hub");
        }
        return Optional.empty();
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static Optional<String> reason(String code, String detail) {
        return Optional.of(code + ": " + detail);
    }
}
