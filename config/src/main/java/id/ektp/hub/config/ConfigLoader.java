package id.ektp.hub.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads and validates a hub configuration file (ICD section 4). Every problem is collected,
 * never just the first, each under the key path an admin finds in the YAML; a configuration
 * with any problem never takes effect. Warnings, under their key too, say what an admin should
 * know about a configuration that does take effect.
 */
public final class ConfigLoader {
    /** A key given twice would otherwise silently keep the last value. */
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigLoader() {}

    /**
     * What a check of a configuration file found.
     *
     * @param config   the configuration; null when there are problems
     * @param problems what makes it invalid; empty when valid
     * @param warnings what an admin should know, valid or not; never a reason to refuse it
     */
    public record Checked(HubConfig config, List<ConfigProblem> problems, List<ConfigProblem> warnings) {
        public Checked {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }
    }

    /** The valid configuration in {@code file}, or every reason it is not valid. */
    public static HubConfig load(Path file) throws InvalidConfigException {
        return valid(file).config();
    }

    /** The valid configuration in {@code file} with its warnings, or every reason it is not valid. */
    public static Checked valid(Path file) throws InvalidConfigException {
        Checked result = inspect(file);
        if (!result.problems().isEmpty()) {
            throw new InvalidConfigException(file.toAbsolutePath().normalize(), result.problems());
        }
        return result;
    }

    /** Every problem of the configuration in {@code file} and the files it names; empty when valid. */
    public static List<ConfigProblem> check(Path file) {
        return inspect(file).problems();
    }

    /** The configuration in {@code file} (when valid), its problems and its warnings. */
    public static Checked inspect(Path file) {
        Path source = file.toAbsolutePath().normalize();
        if (!Files.exists(source)) {
            return ConfigValidator.fileProblem("file not found: " + source);
        }
        if (!Files.isRegularFile(source)) {
            return ConfigValidator.fileProblem("is not a regular file: " + source);
        }
        JsonNode tree;
        try (InputStream in = Files.newInputStream(source)) {
            tree = YAML.readTree(in);
        } catch (JsonProcessingException e) {
            return ConfigValidator.fileProblem(syntaxError(e));
        } catch (IOException e) {
            return ConfigValidator.fileProblem("cannot be read: " + source + " (" + e.getMessage() + ")");
        }
        return ConfigValidator.validate(tree, source);
    }

    private static String syntaxError(JsonProcessingException e) {
        // SnakeYAML knows both what it was reading ("while scanning an alias") and where it
        // actually failed; Jackson's location is the former, an admin needs the latter.
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            Mark at = yaml.getProblemMark();
            String reason = Stream.of(yaml.getContext(), yaml.getProblem())
                    .filter(Objects::nonNull).collect(Collectors.joining("; "));
            return syntaxError(at.getLine() + 1, at.getColumn() + 1, reason);
        }
        JsonLocation at = e.getLocation();
        return at == null
                ? "not valid YAML: " + e.getOriginalMessage()
                : syntaxError(at.getLineNr(), at.getColumnNr(), e.getOriginalMessage());
    }

    private static String syntaxError(int line, int column, String reason) {
        return "not valid YAML at line " + line + ", column " + column + ": " + reason;
    }
}
