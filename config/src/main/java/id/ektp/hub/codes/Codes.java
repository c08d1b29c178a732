package id.ektp.hub.codes;

import java.util.regex.Pattern;

/** The identifier forms of ICD section 0, in one place. */
public final class Codes {
    public static final Pattern REGENCY = Pattern.compile("[0-9]{2}\\.[0-9]{2}");
    public static final Pattern KECAMATAN = Pattern.compile("[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}");
    public static final Pattern DEVICE_ID = Pattern.compile("[A-Z0-9]{2,16}");
    public static final Pattern PACKET_ID = Pattern.compile("[0-9]{6}-[A-Z0-9]{2,16}-[0-9]{14}-[0-9]{4,6}");
    public static final Pattern PRR_ID = Pattern.compile("[A-Za-z0-9-]{8,64}");
    public static final Pattern BLANK_SERIAL = Pattern.compile("[A-Z0-9]{8,20}");

    private Codes() {}

    public static boolean matches(Pattern pattern, String value) {
        return value != null && pattern.matcher(value).matches();
    }

    /** {@code 33.10.05} → {@code 331005}. */
    public static String compact(String dottedCode) {
        return dottedCode.replace(".", "");
    }
}
