package id.ektp.hub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hub under test, started as an operator starts it: {@code java -Xmx<xmx> -Xlog:gc*:file=gc.log [options] -jar
 * ektp-hub.jar run --config hub.yaml}, in its run folder, its output in {@code hub.log}. A process of its own, so
 * that its heap, GC and CPU are its own and not mixed with those of the peers in the driver's JVM.
 */
final class HubProcess implements AutoCloseable {
    /** How ektp-hub.jar's log layout starts every line: {@code 2026-11-23 19:52:32.417 INFO ...}, local time. */
    static final String LOG_TIMESTAMP = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}";
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Process process;
    private final List<String> jvmOptions;
    private final Path log;
    private final Path gcLog;

    private HubProcess(Process process, List<String> jvmOptions, Path log, Path gcLog) {
        this.process = process;
        this.jvmOptions = jvmOptions;
        this.log = log;
        this.gcLog = gcLog;
    }

    /** Starts the hub of {@code jar} with {@code config}; {@code environment} is added to the driver's own. */
    static HubProcess start(Path jar, String xmx, List<String> extraJvmOptions, Map<String, String> environment,
                            Path runDir, Path config) {
        Path gcLog = runDir.resolve("gc.log");
        Path log = runDir.resolve("hub.log");
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + xmx, "-Xlog:gc*:file=" + gcLog));
        jvmOptions.addAll(extraJvmOptions);
        List<String> cmd = new ArrayList<>(List.of(BenchIo.jdkTool("java")));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(runDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        try {
            return new HubProcess(builder.start(), List.copyOf(jvmOptions), log, gcLog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the hub: " + cmd, e);
        }
    }

    /**
     * JVM options that record the hub with JFR into {@code file} until it exits, with samples attributed to exact
     * lines. {@code settings}: a {@code .jfc} file or a predefined name, optionally followed by event settings
     * ({@code profile,jdk.FileForce#threshold=0ms}).
     */
    static List<String> flightRecording(Path file, String settings) {
        return List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints",
                "-XX:StartFlightRecording=filename=" + file + ",settings=" + settings + ",dumponexit=true");
    }

    /** When the hub wrote a log line, from the line's {@link #LOG_TIMESTAMP}. */
    static long loggedAtEpochMillis(String timestamp) {
        return LocalDateTime.parse(timestamp, LOG_TIME).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** The JVM options it runs with, for the report. */
    List<String> jvmOptions() {
        return jvmOptions;
    }

    Path log() {
        return log;
    }

    Path gcLog() {
        return gcLog;
    }

    /** Stops it as an operator does: SIGTERM, the hub's graceful stop; killed if not gone within 60 s. */
    void stop(String label) {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                System.out.printf("[%s] warning: the hub did not stop within 60 s of SIGTERM; killing it%n", label);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills it if a failed run left it running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
