package id.ektp.hub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Counts the hub's durability system calls during the batch with {@code perf stat} on syscall
 * tracepoints (in-kernel counters: no stop per call, so the hub is not slowed down), attached to the
 * hub's threads once it is up. SQLite's commits call fsync/fdatasync from native code, where JFR's
 * {@code jdk.FileForce} does not see them; this does. Optional: without a working {@code perf}
 * (not installed, no permission, no tracefs) it reports nothing.
 */
final class PrrSyscalls {
    static final List<String> EVENTS = List.of("fsync", "fdatasync", "rename", "openat");

    private final Process perf;
    private final Path output;

    private PrrSyscalls(Process perf, Path output) {
        this.perf = perf;
        this.output = output;
    }

    /** Starts counting for {@code pid}; null when perf is not there or refuses. */
    static PrrSyscalls start(long pid, Path output) {
        Path perfBin = Path.of("/usr/bin/perf");
        if (!Files.isExecutable(perfBin)) {
            return null;
        }
        String events = String.join(",", EVENTS.stream().map(e -> "syscalls:sys_enter_" + e).toList());
        try {
            Files.deleteIfExists(output);
            Process p = new ProcessBuilder(perfBin.toString(), "stat", "-x,", "-e", events, "-p", Long.toString(pid),
                    "-o", output.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            BenchIo.sleep(300); // attached (or failed) by then
            if (!p.isAlive()) {
                return null;
            }
            return new PrrSyscalls(p, output);
        } catch (IOException e) {
            return null;
        }
    }

    /** Stops counting (SIGINT makes perf print its counts) and returns them by syscall; empty on failure. */
    Map<String, Long> stop() {
        Map<String, Long> counts = new LinkedHashMap<>();
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(perf.pid())).start().waitFor(10, TimeUnit.SECONDS);
            if (!perf.waitFor(10, TimeUnit.SECONDS)) {
                perf.destroyForcibly();
                return counts;
            }
            // 12345,,syscalls:sys_enter_fsync,3502799193,100.00,,
            for (String line : Files.readAllLines(output)) {
                String[] f = line.split(",");
                if (f.length > 2 && f[2].startsWith("syscalls:sys_enter_")) {
                    try {
                        counts.put(f[2].substring("syscalls:sys_enter_".length()), Long.parseLong(f[0]));
                    } catch (NumberFormatException notCounted) {
                        // "<not counted>" / "<not supported>"
                    }
                }
            }
        } catch (IOException e) {
            return counts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return counts;
    }
}
