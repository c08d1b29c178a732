package id.ektp.hub.across;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Text a peer chose (a message id, a field's value), made safe to show and to name a file
 * after. Whatever the peer sent, the result is short and printable: a log line, a quarantine
 * entry or a file name built from it cannot fail or be split because of what it contains.
 */
final class PeerText {
    /** Most characters of a name made from peer text: well under any file system's 255 bytes. */
    static final int MAX_NAME = 64;
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0," + (MAX_NAME - 1) + "}");

    private PeerText() {}

    /**
     * {@code raw} itself when it is a safe short name ({@code [A-Za-z0-9._-]}, at most
     * {@value #MAX_NAME}, not starting with a dot); otherwise {@code sha256~} and the first 32 hex
     * digits of its SHA-256. The same raw text always gives the same name, and two different ones
     * (for all practical purposes) never the same: a safe name has no {@code ~}, and unsafe
     * characters are not replaced by safe ones, which would make {@code a/b} and {@code a_b} one.
     */
    static String fileSafe(String raw) {
        if (SAFE_NAME.matcher(raw).matches()) {
            return raw;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
            return "sha256~" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * At most {@code max} characters of {@code raw}, with line breaks and other control or
     * invisible characters written as {@code \n} or {@code \u0000}; when cut, it says how long
     * the whole was ({@code …(5000 characters)}).
     */
    static String shown(String raw, int max) {
        if (raw == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder(Math.min(raw.length(), max) + 24);
        int i = 0;
        for (; i < raw.length() && out.length() < max; i++) {
            char c = raw.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                            || Character.isSurrogate(c) && !properPair(raw, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return i < raw.length() ? out + "…(" + raw.length() + " characters)" : out.toString();
    }

    /** Whether the surrogate at {@code i} is half of a well-formed pair (an emoji, say). */
    private static boolean properPair(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
