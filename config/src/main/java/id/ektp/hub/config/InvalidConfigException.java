package id.ektp.hub.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A configuration that must not take effect, with every problem found in it. */
public final class InvalidConfigException extends Exception {
    private final Path source;
    private final List<ConfigProblem> problems;

    public InvalidConfigException(Path source, List<ConfigProblem> problems) {
        super(source + " is not valid:\n" + problems.stream()
                .map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public Path source() {
        return source;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
