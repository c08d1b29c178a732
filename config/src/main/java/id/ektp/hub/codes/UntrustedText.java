package id.ektp.hub.codes;

/**
 * Text the hub did not write (a device's file name, a manifest field, a zip entry name, a printer's
 * result file, a name in the ministry's outbox listing), made fit to go into a log line, an audit
 * row, a quarantine detail or a report: NIKs masked ({@link Nik#maskAll}), control, line-breaking
 * and invisible characters spelled out as {@code \}{@code uXXXX} (so a name can neither start a
 * forged log line nor hide what it says), and the length bounded, ending in {@value #ELLIPSIS}.
 *
 * <p>Backslashes are left as they are: the result is for people to read, not to be parsed back.
 */
public final class UntrustedText {
    /** The most characters shown of one name or value. */
    public static final int NAME_LIMIT = 120;
    /** The most characters of a sentence that quotes names (a rejection detail, a report's reason). */
    public static final int SENTENCE_LIMIT = 1000;
    static final String ELLIPSIS = "…";
    /** The most characters of a file name made from untrusted text: well under any file system's 255 bytes. */
    public static final int FILE_NAME_LIMIT = 64;
    private static final java.util.regex.Pattern SAFE_FILE_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0," + (FILE_NAME_LIMIT - 1) + "}");

    private UntrustedText() {}

    /** One name or value: {@link #NAME_LIMIT} characters at most; {@code null} stays {@code null}. */
    public static String forLog(String text) {
        return shown(text, NAME_LIMIT);
    }

    /** {@link #forLog} in double quotes, for quoting a name inside a sentence; {@code (none)} for null. */
    public static String quoted(String text) {
        return text == null ? "(none)" : "\"" + forLog(text) + "\"";
    }

    /** A whole sentence that may carry untrusted text: {@link #SENTENCE_LIMIT} characters at most. */
    public static String sentence(String text) {
        return shown(text, SENTENCE_LIMIT);
    }

    /**
     * A file name made from untrusted text (a message id): {@code raw} itself when it is a safe
     * short name ({@code [A-Za-z0-9._-]}, at most {@value #FILE_NAME_LIMIT}, not starting with a
     * dot); otherwise {@code sha256~} and the first 32 hex digits of its SHA-256. The same text
     * always gives the same name, and two different ones (for all practical purposes) never the
     * same: a safe name has no {@code ~}, and unsafe characters are not replaced by safe ones,
     * which would make {@code a/b} and {@code a_b} one. Nothing in the text can make creating the
     * file fail (too long, a path, a control character).
     */
    public static String fileName(String raw) {
        if (raw != null && SAFE_FILE_NAME.matcher(raw).matches()) {
            return raw;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(raw).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256~" + java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * C0 and C1 controls (line feed, carriage return, escape, NEL), line and paragraph separators,
     * invisible format characters (bidi overrides, zero-width spaces) and lone surrogates.
     */
    public static boolean isHidden(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint) || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static String shown(String text, int limit) {
        if (text == null) {
            return null;
        }
        // Characters far past the limit are never shown; dropping them first keeps the work small
        // however long the text, and is far enough out that no NIK is cut where it would show.
        String head = text.length() > 4L * limit + 32 ? text.substring(0, 4 * limit + 32) : text;
        String masked = Nik.maskAll(head);
        StringBuilder out = new StringBuilder(Math.min(masked.length(), limit) + 8);
        for (int i = 0; i < masked.length(); ) {
            int c = masked.codePointAt(i);
            String piece = isHidden(c) ? String.format("\\u%04X", c) : new String(Character.toChars(c));
            // Room is kept for the ellipsis, so an escape is never cut in half.
            if (out.length() + piece.length() > limit - ELLIPSIS.length()
                    && (i + Character.charCount(c) < masked.length() || out.length() + piece.length() > limit)) {
                return out.append(ELLIPSIS).toString();
            }
            out.append(piece);
            i += Character.charCount(c);
        }
        return out.toString();
    }
}
