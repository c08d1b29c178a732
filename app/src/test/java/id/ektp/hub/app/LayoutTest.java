package id.ektp.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layout that docs/design.md describes, checked on the sources, so that it stays true:
 * SFTP endpoints are written only by the connectors (where strict host-key checking is set
 * once), the flows' packages do not import each other in circles, and no benchmark driver is
 * part of the hub's jar.
 */
class LayoutTest {
    /** The project's root: the app module's parent folder (Surefire runs in the module's folder). */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?id\\.ektp\\.hub\\.([a-z]+)\\.", Pattern.MULTILINE);

    @Test
    void onlyTheConnectorsWriteSftpEndpointOptions() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (String module : List.of("config", "store", "routes", "app")) {
            for (Path file : javaFiles(ROOT.resolve(module).resolve("src/main/java"))) {
                String source = Files.readString(file);
                if (source.contains("\"sftp://") || source.contains("strictHostKeyChecking")
                        || source.contains("knownHostsFile=")) {
                    offenders.add(ROOT.relativize(file).toString());
                }
            }
        }
        assertEquals(List.of(), offenders, "SFTP endpoints belong in connectors/ (SftpOptions)");
        // and the connectors do write them, in one place
        String options = Files.readString(ROOT.resolve(
                "connectors/src/main/java/id/ektp/hub/connectors/sftp/SftpOptions.java"));
        assertTrue(options.contains("strictHostKeyChecking=yes"), options);
    }

    @Test
    void theRoutesPackagesImportEachOtherWithoutCycles() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        Path base = ROOT.resolve("routes/src/main/java/id/ektp/hub");
        for (Path file : javaFiles(base)) {
            String pkg = base.relativize(file).getName(0).toString();
            Matcher m = IMPORT.matcher(Files.readString(file));
            while (m.find()) {
                if (!m.group(1).equals(pkg) && Files.isDirectory(base.resolve(m.group(1)))) {
                    uses.computeIfAbsent(pkg, k -> new TreeSet<>()).add(m.group(1));
                }
            }
        }
        assertTrue(uses.containsKey("runtime"), "the composition root imports the flows: " + uses);
        List<String> cycles = new ArrayList<>();
        for (String from : uses.keySet()) {
            if (reaches(uses, from, from, new HashSet<>())) {
                cycles.add(from);
            }
        }
        assertEquals(List.of(), cycles, "packages on an import cycle, in " + uses);
    }

    @Test
    void noBenchmarkDriverIsPartOfTheHub() throws IOException {
        for (String module : List.of("config", "store", "connectors", "routes", "sandbox", "app")) {
            Path sources = ROOT.resolve(module).resolve("src/main/java");
            for (Path file : javaFiles(sources)) {
                assertTrue(!sources.relativize(file).toString().contains("/bench/"),
                        file + ": benchmark drivers live in the bench module, outside ektp-hub.jar");
            }
        }
        assertTrue(Files.isDirectory(ROOT.resolve("bench/src/main/java")), "the bench module is where they went");
    }

    private static boolean reaches(Map<String, Set<String>> uses, String from, String target, Set<String> seen) {
        for (String next : uses.getOrDefault(from, Set.of())) {
            if (next.equals(target) || (seen.add(next) && reaches(uses, next, target, seen))) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
