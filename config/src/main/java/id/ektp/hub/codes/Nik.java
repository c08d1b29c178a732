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
    /**
     * What {@link #maskAll} hides: 16 digits shaped like a NIK (birth day 01-31 or 41-71, month
     * 01-12, serial not 0000) and standing alone, i.e. not inside a longer run of letters or digits
     * (a SHA-256, a token) and not the counter after a hex id's hyphen (Camel's message ids,
     * {@code 56816C96079BC01-0000000000000204}). A NIK is still masked after {@code nik=}, inside
     * quotes or a sentence, and in a file name ({@code 3310054507900001.json}).
     *
     * <p>{@code app/src/main/resources/log4j2.xml} repeats this expression (property {@code nik})
     * for its safety net; a test checks that they are the same.
     */
    public static final String MASK_PATTERN = "(?<![0-9A-Za-z])(?<![0-9A-Fa-f]{8}-)([0-9]{6})"
            + "(?:0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01])(?:0[1-9]|1[0-2])[0-9]{2}"
            + "((?!0000)[0-9]{4})(?![0-9A-Za-z])";
    /** Region and serial stay, birth date goes: {@code 331005******0001}. */
    public static final String MASK_REPLACEMENT = "$1******$2";
    private static final Pattern IN_TEXT = Pattern.compile(MASK_PATTERN);

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

    /** Masks every NIK in free text ({@link #MASK_PATTERN}): a safety net for log lines and reports. */
    public static String maskAll(String text) {
        return text == null ? null : IN_TEXT.matcher(text).replaceAll(MASK_REPLACEMENT);
    }

    /** The kecamatan the NIK was first issued in, as {@code PP.RR.KK}. */
    public static String issuingKecamatan(String nik) {
        return nik.substring(0, 2) + "." + nik.substring(2, 4) + "." + nik.substring(4, 6);
    }
}
