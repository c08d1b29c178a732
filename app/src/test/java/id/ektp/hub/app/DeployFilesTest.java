package id.ektp.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The files an operator installs beside the jar, checked by the tools that will read them:
 * the systemd unit by {@code systemd-analyze}, the Prometheus alerts by {@code promtool} (rule
 * syntax, and unit tests saying each alert fires when it should and not before). {@code .ci/run}
 * installs both tools; a machine without them skips these checks and says so.
 */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("").toAbsolutePath().getParent().resolve("deploy");
    private static final Path UNIT = DEPLOY.resolve("systemd/ektp-hub.service");
    private static final Path RULES = DEPLOY.resolve("prometheus/ektp-hub-rules.yml");

    @Test
    void theSystemdUnitIsValidAndSaysNothingSystemdWouldIgnore() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed");
        Result verify = run(List.of("systemd-analyze", "verify", UNIT.toString()));
        // verify exits 0 on an unknown key ("Unknown key 'ProtectSystm', ignoring"): a typo in a
        // hardening line would silently drop it, so any output at all is a failure.
        assertEquals(0, verify.exit, verify.output);
        assertEquals("", verify.output.strip(), "systemd-analyze verify has something to say");
    }

    @Test
    void theSystemdUnitRunsTheHubHardened() throws Exception {
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("ektp-hub.jar run --config "), unit);
        assertTrue(unit.contains("ektp-hub.jar validate --config "), unit);
        for (String line : List.of("User=ektp", "UMask=0077", "NoNewPrivileges=true", "ProtectSystem=strict",
                "RestartPreventExitStatus=2")) {
            assertTrue(unit.lines().anyMatch(l -> l.strip().equals(line)), "the unit says " + line);
        }
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed");
        // systemd's own exposure score (0 best, 10 worst): 3.0 when written; a change that
        // loosens it past 3.5 must be a decision, not an accident.
        Result security = run(List.of("systemd-analyze", "security", "--offline=true", "--threshold=35",
                UNIT.toString()));
        assertEquals(0, security.exit, security.output);
    }

    @Test
    void theAlertRulesLoadAndFireWhenTheyShould() throws Exception {
        assumeTrue(onPath("promtool"), "promtool (Debian package prometheus) is not installed");
        Result check = run(List.of("promtool", "check", "rules", RULES.toString()));
        assertEquals(0, check.exit, check.output);
        Result test = run(List.of("promtool", "test", "rules",
                DEPLOY.resolve("prometheus/ektp-hub-rules.test.yml").toString()));
        assertEquals(0, test.exit, test.output);
        assertTrue(test.output.contains("SUCCESS"), test.output);
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not end");
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static boolean onPath(String tool) {
        List<Path> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            dirs.add(Path.of(dir));
        }
        return dirs.stream().anyMatch(d -> Files.isExecutable(d.resolve(tool)));
    }
}
