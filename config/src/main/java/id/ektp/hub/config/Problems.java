package id.ektp.hub.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of one validation run, so an admin fixes the whole file in one go
 * instead of one error per restart; and the warnings, which an admin should read but which do
 * not stop the configuration from taking effect.
 */
final class Problems {
    /** The key of problems with the file as a whole (missing, unreadable, not YAML). */
    static final String FILE = "(file)";

    private final List<ConfigProblem> list = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    void add(String key, String message) {
        list.add(new ConfigProblem(key.isEmpty() ? FILE : key, message));
    }

    void warn(String key, String message) {
        warnings.add(new ConfigProblem(key.isEmpty() ? FILE : key, message));
    }

    /** A mark for {@link #noneSince}: how many problems there are now. */
    int mark() {
        return list.size();
    }

    /**
     * Whether nothing was reported since {@code mark}: a section builds its record only then,
     * so a half-read value (a null port) never reaches a record constructor.
     */
    boolean noneSince(int mark) {
        return list.size() == mark;
    }

    List<ConfigProblem> list() {
        return List.copyOf(list);
    }

    List<ConfigProblem> warnings() {
        return List.copyOf(warnings);
    }
}
