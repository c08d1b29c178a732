package id.ektp.hub.up;

import java.util.Optional;

/**
 * Entry names must be plain file names (ICD §1): a name that is a path could make whoever unpacks
 * the packet write outside its folder (zip slip), and control characters hide what a name really is.
 */
final class EntryNames {

    private EntryNames() {}

    /** Why {@code name} is not a plain entry name, or empty when it is. */
    static Optional<String> problem(String name) {
        if (name.isEmpty()) {
            return Optional.of("the name is empty");
        }
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
            return Optional.of("the name is an absolute path");
        }
        if (name.indexOf('/') >= 0) {
            return Optional.of("the name contains '/'");
        }
        if (name.indexOf('\\') >= 0) {
            return Optional.of("the name contains '\\'");
        }
        if (name.equals("..") || name.equals(".")) {
            return Optional.of("the name is '" + name + "'");
        }
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            if (isControl(c)) {
                return Optional.of(String.format("the name contains the control character U+%04X", c));
            }
            i += Character.charCount(c);
        }
        return Optional.empty();
    }

    /** The name with control characters spelled out, fit to quote in a sentence. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder("\"");
        name.codePoints().forEach(c -> {
            if (isControl(c)) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }

    /** C0/C1 controls, plus line separators and invisible format characters (bidi overrides). */
    private static boolean isControl(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }
}
