package id.ektp.hub.up;

import id.ektp.hub.codes.UntrustedText;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Entry names must be plain file names (ICD §1): a name that is a path could make whoever unpacks
 * the packet write outside its folder (zip slip), and control characters hide what a name really is.
 */
final class EntryNames {
    private static final Pattern DRIVE_LETTER = Pattern.compile("^[A-Za-z]:.*");

    private EntryNames() {}

    /** Why {@code name} is not a plain entry name, or empty when it is. */
    static Optional<String> problem(String name) {
        if (name.isEmpty()) {
            return Optional.of("the name is empty");
        }
        if (name.startsWith("/") || name.startsWith("\\") || DRIVE_LETTER.matcher(name).matches()) {
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
            if (UntrustedText.isHidden(c)) {
                return Optional.of(String.format("the name contains the control character U+%04X", c));
            }
            i += Character.charCount(c);
        }
        return Optional.empty();
    }

    /**
     * The name fit to quote in a sentence that may reach a log, a report or the audit trail:
     * control characters spelled out, NIKs masked, at most {@value UntrustedText#NAME_LIMIT} characters.
     */
    static String printable(String name) {
        return UntrustedText.quoted(name);
    }
}
