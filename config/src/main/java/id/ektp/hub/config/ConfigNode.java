package id.ektp.hub.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One value of the YAML tree together with its key path ({@code devices[3].sftp.port}). Its
 * readers report what is wrong to {@link Problems} under that path and return {@code null}
 * instead of throwing, so validation always goes on to the next key. An absent key and a key
 * with an empty value ({@code port:}) are the same thing: not given.
 */
final class ConfigNode {
    private final JsonNode value;
    private final String path;
    private final Problems problems;

    ConfigNode(JsonNode value, String path, Problems problems) {
        this.value = value == null ? MissingNode.getInstance() : value;
        this.path = path;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    boolean isAbsent() {
        return value.isMissingNode() || value.isNull();
    }

    /** The raw text of a scalar, or null: for cross-checks that must not report twice. */
    String rawText() {
        return value.isTextual() ? value.asText() : null;
    }

    void report(String message) {
        problems.add(path, message);
    }

    /** Something an admin should know that does not make the configuration wrong. */
    void warn(String message) {
        problems.warn(path, message);
    }

    ConfigNode get(String key) {
        return new ConfigNode(value.path(key), path.isEmpty() ? key : path + "." + key, problems);
    }

    /** A required mapping; unknown keys are reported. Whether its keys can be read. */
    boolean requireMap(List<String> keys) {
        if (isAbsent()) {
            report("is required");
            return false;
        }
        return optionalMap(keys);
    }

    /** An optional mapping (absent reads as all defaults); unknown keys are reported. */
    boolean optionalMap(List<String> keys) {
        if (isAbsent()) {
            return true;
        }
        if (!value.isObject()) {
            report("must be a mapping (key: value), found " + describe(value));
            return false;
        }
        // Admins' typos (pollIntervall) must fail loudly, never silently fall back to a default.
        for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!keys.contains(name)) {
                get(name).report("unknown key; expected one of: " + String.join(", ", keys));
            }
        }
        return true;
    }

    /** A required list, reported when empty; its items, or null. */
    List<ConfigNode> requireNonEmptyList() {
        if (isAbsent()) {
            report("is required");
            return null;
        }
        List<ConfigNode> items = optionalList();
        if (items != null && items.isEmpty()) {
            report("must not be empty");
            return null;
        }
        return items;
    }

    /** An optional list (absent is empty); its items, or null when not a list. */
    List<ConfigNode> optionalList() {
        if (isAbsent()) {
            return List.of();
        }
        if (!value.isArray()) {
            report("must be a list ([a, b] or one '- item' per line), found " + describe(value));
            return null;
        }
        List<ConfigNode> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            items.add(new ConfigNode(value.get(i), path + "[" + i + "]", problems));
        }
        return items;
    }

    /** Required, non-blank text. */
    String text() {
        if (isAbsent()) {
            report("is required");
            return null;
        }
        if (!value.isTextual()) {
            // 33.10 unquoted is the number 33.1 to YAML: say so rather than "not a regency code".
            report("must be text, found " + describe(value)
                    + (value.isValueNode() ? ": put it in quotes" : ""));
            return null;
        }
        if (value.asText().isBlank()) {
            report("must not be empty");
            return null;
        }
        return value.asText();
    }

    String text(String defaultValue) {
        return isAbsent() ? defaultValue : text();
    }

    /** Required text matching {@code pattern}; {@code what} names the form for the message. */
    String code(Pattern pattern, String what) {
        String text = text();
        if (text != null && !pattern.matcher(text).matches()) {
            report("'" + text + "' is not " + what);
            return null;
        }
        return text;
    }

    /** A required whole number in {@code [min, max]}. */
    Long wholeNumber(long min, long max) {
        if (isAbsent()) {
            report("is required");
            return null;
        }
        if (!value.isIntegralNumber()) {
            report("must be a whole number, found " + describe(value));
            return null;
        }
        BigInteger n = value.bigIntegerValue();
        boolean tooSmall = n.compareTo(BigInteger.valueOf(min)) < 0;
        if (tooSmall || n.compareTo(BigInteger.valueOf(max)) > 0) {
            // An upper bound that is only the Java type's limit is no rule an admin needs to read.
            boolean typeLimit = max == Long.MAX_VALUE || max == Integer.MAX_VALUE;
            report((!typeLimit ? "must be between " + min + " and " + max
                    : tooSmall ? "must be at least " + min : "must be at most " + max) + ", found " + n);
            return null;
        }
        return n.longValue();
    }

    Long wholeNumber(long min, long max, long defaultValue) {
        return isAbsent() ? Long.valueOf(defaultValue) : wholeNumber(min, max);
    }

    Integer integer(int min, int max) {
        Long n = wholeNumber(min, max);
        return n == null ? null : Math.toIntExact(n);
    }

    Integer integer(int min, int max, int defaultValue) {
        return isAbsent() ? Integer.valueOf(defaultValue) : integer(min, max);
    }

    /** An optional duration ({@link Durations}). */
    Duration duration(Duration defaultValue) {
        if (isAbsent()) {
            return defaultValue;
        }
        if (!value.isValueNode()) {
            report("must be a duration such as 30s, found " + describe(value));
            return null;
        }
        try {
            return Durations.parse(value.asText());
        } catch (IllegalArgumentException e) {
            report(e.getMessage());
            return null;
        }
    }

    /** A required path, absolute and normalized: relative ones are taken from {@code baseDir}. */
    Path path(Path baseDir) {
        String text = text();
        if (text == null) {
            return null;
        }
        try {
            return baseDir.resolve(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            report("'" + text + "' is not a valid path: " + e.getReason());
            return null;
        }
    }

    /** A required path to a file that must pass {@code rule}. */
    Path file(Path baseDir, FileRule rule) {
        Path file = path(baseDir);
        if (file != null) {
            rule.check(file).forEach(this::report);
        }
        return file;
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        if (node.isBoolean()) {
            return "the boolean " + node.asText();
        }
        return "the text '" + node.asText() + "'";
    }
}
