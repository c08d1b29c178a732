package id.ektp.hub.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The hub as a separate process ({@code EktpHub run --config F}), for tests that kill it with
 * SIGKILL: no shutdown hook, no graceful stop, the way a power cut or the OOM killer ends it.
 * Every start appends to one log file, whose tail {@link #close()} prints for whoever reads a
 * failure.
 */
final class HubProcess implements AutoCloseable {
    private final Path configFile;
    private final Path log;
    private Process process;

    HubProcess(Path configFile, Path log) {
        this.configFile = configFile;
        this.log = log;
    }

    void start() throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        process = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                EktpHub.class.getName(), "run", "--config", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Starts the hub, waits until {@code condition} holds (polled every 20 ms), then kills it. */
    void killWhen(Callable<Boolean> condition) throws Exception {
        start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(condition);
        kill();
    }

    /** Waits until {@code condition} holds (polled every 20 ms) while the hub runs, then kills it. */
    void killOnceRunning(Callable<Boolean> condition) throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(condition);
        kill();
    }

    /** SIGKILL, now. */
    void kill() throws InterruptedException {
        assertTrue(process.isAlive(), "the hub was running when it was to be killed");
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM: the graceful stop an operator's {@code systemctl stop} gives. Returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        return process.waitFor();
    }

    long pid() {
        return process.pid();
    }

    /** The exit code once the process ended by itself within {@code patience}; null while it runs. */
    Integer exitWithin(Duration patience) throws InterruptedException {
        return process.waitFor(patience.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
        if (Files.exists(log)) {
            try {
                List<String> lines = Files.readAllLines(log);
                System.out.println("---- hub process log (last 200 lines) ----");
                lines.subList(Math.max(0, lines.size() - 200), lines.size()).forEach(System.out::println);
            } catch (IOException e) {
                System.out.println("hub log unreadable: " + e);
            }
        }
    }
}
