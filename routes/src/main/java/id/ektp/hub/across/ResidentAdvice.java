package id.ektp.hub.across;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * What the counter tells a resident whose packet needs a person to act, in Bahasa Indonesia and
 * in English: the follow-up list, the status page and the lookup say the same thing. The office
 * "does not promise a day, but promises the card": no text names a date the card will be ready.
 */
public record ResidentAdvice(String id, String en) {

    /**
     * For a follow-up or result of {@code kind} (DUPLICATE, REJECTED, OVERDUE, ENROLLED, RECEIVED),
     * with the detail the store keeps for it (JSON, may be null).
     */
    public static ResidentAdvice of(String kind, String detailJson) {
        JsonNode d = parse(detailJson);
        return switch (kind) {
            case "DUPLICATE" -> new ResidentAdvice(
                    "Sudah pernah merekam di kecamatan " + d.path("kecamatanCode").asText("?") + " pada "
                            + d.path("recordedOn").asText("?") + " (pendobelan data): warga datang sendiri ke kantor"
                            + " Disdukcapil kabupaten untuk menyelesaikannya. KTP-el baru bisa dicetak setelah itu.",
                    "Already recorded at kecamatan " + d.path("kecamatanCode").asText("?") + " on "
                            + d.path("recordedOn").asText("?") + " (a double record): the resident comes in person to the"
                            + " regency office to settle it. The card can be printed only then.");
            case "REJECTED" -> rejected(d.path("reason").asText(""));
            case "OVERDUE" -> new ResidentAdvice(
                    "Belum ada hasil dari Kementerian sejak dikirim " + d.path("forwardedAt").asText("") + ". Kantor"
                            + " kabupaten menanyakannya ke Kementerian; warga belum perlu datang.",
                    "No result from the ministry since it was forwarded " + d.path("forwardedAt").asText("")
                            + ". The regency office asks the ministry; the resident need not come in yet.");
            case "ENROLLED" -> new ResidentAdvice(
                    "Data sudah diterima Kementerian; KTP-el akan dicetak dan warga diberi tahu bila sudah bisa diambil.",
                    "Enrolled by the ministry: the card will be printed, and the resident told when it can be picked up.");
            default -> new ResidentAdvice(
                    "Data sedang diproses. Kami tidak menjanjikan tanggal, tetapi kami menjanjikan KTP-el.",
                    "Being processed. We do not promise a day, but we promise the card.");
        };
    }

    private static ResidentAdvice rejected(String reason) {
        String why = switch (reason) {
            case "BIOMETRIC_QUALITY" -> "kualitas sidik jari, foto atau iris kurang baik";
            case "DATA_MISMATCH" -> "data tidak cocok dengan data kependudukan";
            default -> "paket rekaman tidak dapat dibaca";
        };
        String whyEn = switch (reason) {
            case "BIOMETRIC_QUALITY" -> "fingerprints, photo or irises of too low quality";
            case "DATA_MISMATCH" -> "data not matching the civil registry";
            default -> "the recording could not be read";
        };
        return new ResidentAdvice("Ditolak Kementerian (" + reason + ": " + why + "): warga merekam ulang di kecamatan.",
                "Rejected by the ministry (" + reason + ": " + whyEn + "): the resident records again at the kecamatan.");
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return Messages.json().createObjectNode();
        }
        try {
            return Messages.json().readTree(json);
        } catch (IOException e) {
            return Messages.json().createObjectNode();
        }
    }
}
