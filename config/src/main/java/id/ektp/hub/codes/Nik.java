package id.ektp.hub.codes;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The 16-digit NIK {@code PPRRKKDDMMYYSSSS} (ICD section 0). Its region part is where it was
 * first issued, which may differ from where the person records today: that is noted by callers,
 * never a reason to reject.
 */
public final class Nik {
    private static final Pattern DIGITS = Pattern.compile("[0-9]{16}");
    /** A 16-digit run not inside a longer number: what {@link #maskAll} hides. */
    private static final Pattern IN_TEXT = Pattern.compile("(?<![0-9])([0-9]{6})[0-9]{6}([0-9]{4})(?![0-9])");

    private Nik() {}

    /** Why {@code nik} is not a syntactically valid NIK, or empty when it is. */
    public static Optional<String> problem(String nik) {
        if (nik == null) {
            return Optional.of("NIK is missing");
        }
        if (!DIGITS.matcher(nik).matches()) {
            return Optional.of("NIK must be 16 digits");
        }
        int day = Integer.parseInt(nik.substring(6, 8));
        int month = Integer.parseInt(nik.substring(8, 10));
        int serial = Integer.parseInt(nik.substring(12, 16));
        if (!(day >= 1 && day <= 31) && !(day >= 41 && day <= 71)) {
            return Optional.of("NIK birth day " + nik.substring(6, 8) + " is not 01-31 or 41-71");
        }
        if (month < 1 || month > 12) {
            return Optional.of("NIK birth month " + nik.substring(8, 10) + " is not 01-12");
        }
        if (serial < 1) {
            return Optional.of("NIK serial 0000 is not 0001-9999");
        }
        return Optional.empty();
    }

    public static boolean isValid(String nik) {
        return problem(nik).isEmpty();
    }

    /** {@code 3310054507900001} becomes {@code 331005******0001}: region kept, birth date hidden. */
    public static String mask(String nik) {
        if (nik == null || nik.length() != 16) {
            return "****************";
        }
        return nik.substring(0, 6) + "******" + nik.substring(12);
    }

    /** Masks every NIK-shaped 16-digit run in free text (a safety net for log lines). */
    public static String maskAll(String text) {
        return text == null ? null : IN_TEXT.matcher(text).replaceAll("$1******$2");
    }

    /** The kecamatan the NIK was first issued in, as {@code PP.RR.KK}. */
    public static String issuingKecamatan(String nik) {
        return nik.substring(0, 2) + "." + nik.substring(2, 4) + "." + nik.substring(4, 6);
    }
}
