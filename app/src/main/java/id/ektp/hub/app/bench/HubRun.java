package id.ektp.hub.app.bench;

import id.ektp.hub.app.bench.BenchIo.BenchmarkFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contestant: the real hub, {@code java -jar ektp-hub.jar run --config FILE}, as a child
 * process with its own heap limit and GC log, so its heap and CPU are its own and not mixed
 * with the SFTP servers'. Timed from process start until the ministry inbox holds every packet;
 * then every delivered file is checked against the device's SHA-256 and the hub is stopped with
 * SIGTERM, as an operator would.
 */
final class HubRun {
    /** How often the driver looks at the device outbox and the ministry inbox. */
    private static final long WATCH_MILLIS = 50;

    /** Settings of the hub child process. */
    record Settings(Path jar, String xmx, String devicePollInterval, List<String> extraJvmOptions,
                    Path jfcFile) {
        boolean profiled() {
            return jfcFile != null;
        }
    }

    /**
     * When each UP stage finished its last packet, seconds from process start, from the hub's own
     * {@code ektp.packets} log lines (millisecond timestamps); -1 if the log did not say.
     */
    record Stages(double firstReceived, double lastReceived, double firstOutbound, double lastOutbound,
                  double firstForwarded, double lastForwarded, int quarantined) {}

    /** What one hub run measured. */
    record Result(double seconds, double startupSeconds, double firstDeliverySeconds, double cpuSeconds,
                  double serverCpuSeconds, GcLog gc, Stages stages, Path runDir, Path jfr) {
        /** From the first packet taken off the device to the last one in the inbox. */
        double steadySeconds() {
            return seconds - startupSeconds;
        }
    }

    private final BenchEnvironment env;
    private final Path runsDir;
    private final Settings settings;

    HubRun(BenchEnvironment env, Path runsDir, Settings settings) {
        this.env = env;
        this.runsDir = runsDir;
        this.settings = settings;
    }

    Result run(PacketSet set, String label, long deadlineNanos) {
        Path runDir = runsDir.resolve(label);
        BenchIo.deleteTree(runDir);
        BenchIo.emptyDir(env.inbox());
        set.placeInto(env.outbox());
        Path config = writeConfig(runDir);
        BenchIo.sync();

        List<String> names = set.packets().stream().map(PacketSet.Packet::fileName).toList();
        Path gcLog = runDir.resolve("gc.log");
        Path jfr = settings.profiled() ? runDir.resolve("hub.jfr") : null;
        List<String> cmd = new ArrayList<>(List.of(javaExecutable(), "-Xmx" + settings.xmx(),
                "-Xlog:gc*:file=" + gcLog));
        if (jfr != null) {
            cmd.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints",
                    "-XX:StartFlightRecording=filename=" + jfr + ",settings=" + settings.jfcFile() + ",dumponexit=true"));
        }
        cmd.addAll(settings.extraJvmOptions());
        cmd.addAll(List.of("-jar", settings.jar().toString(), "run", "--config", config.toString()));
        Path log = runDir.resolve("hub.log");

        Process hub;
        double serverCpuBefore = BenchIo.ownCpuSeconds();
        long startEpochMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        try {
            hub = new ProcessBuilder(cmd).directory(runDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the hub: " + cmd, e);
        }
        try {
            long firstPickup = -1;
            long firstDelivery = -1;
            int delivered = 0;
            Path firstInOutbox = env.outbox().resolve(names.get(0));
            while (true) {
                long now = System.nanoTime();
                if (firstPickup < 0 && !Files.exists(firstInOutbox)) {
                    firstPickup = now;
                }
                while (delivered < names.size() && Files.exists(env.inbox().resolve(names.get(delivered)))) {
                    if (delivered == 0) {
                        firstDelivery = now;
                    }
                    delivered++;
                }
                if (delivered == names.size()) {
                    break;
                }
                if (!hub.isAlive()) {
                    throw new BenchmarkFailure("[" + label + "] the hub exited with code " + hub.exitValue()
                            + " after " + delivered + " of " + names.size() + " packets; see " + log);
                }
                if (now > deadlineNanos) {
                    throw new BenchmarkFailure("[" + label + "] the hub delivered only " + delivered + " of "
                            + names.size() + " packets within the time limit; giving up (log: " + log + ")");
                }
                sleep(WATCH_MILLIS);
            }
            long done = System.nanoTime();
            double cpu = BenchIo.processCpuSeconds(hub.pid());
            double serverCpu = BenchIo.ownCpuSeconds() - serverCpuBefore;
            if (firstPickup < 0) {
                firstPickup = firstDelivery;
            }

            String problem = set.verify(env.inbox());
            if (problem != null) {
                throw new BenchmarkFailure("[" + label + "] the hub delivered wrong files: " + problem);
            }
            stop(hub, label);
            GcLog gc = GcLog.parse(gcLog);
            Stages stages = stages(log, startEpochMillis);
            String leftover = leftOnDevice();
            if (leftover != null) {
                System.out.printf("[%s] warning: %s%n", label, leftover);
            }
            // The hub's spool copies are a gigabyte at most; logs and GC log stay for reading.
            BenchIo.deleteTree(runDir.resolve("data/spool"));
            BenchIo.emptyDir(env.inbox());
            BenchIo.emptyDir(env.outbox());
            BenchIo.sync();
            return new Result(BenchIo.seconds(done - start), BenchIo.seconds(firstPickup - start),
                    BenchIo.seconds(firstDelivery - start), cpu, serverCpu, gc, stages, runDir, jfr);
        } finally {
            if (hub.isAlive()) {
                hub.destroyForcibly();
            }
        }
    }

    /** The outbox should be empty: the hub deletes each zip and its .done once it holds the packet. */
    private String leftOnDevice() {
        for (int i = 0; i < 100; i++) {
            if (BenchIo.names(env.outbox()).isEmpty()) {
                return null;
            }
            sleep(50);
        }
        List<String> left = BenchIo.names(env.outbox());
        return left.isEmpty() ? null : left.size() + " files still in the device outbox, e.g. " + left.get(0);
    }

    private static void stop(Process hub, String label) {
        hub.destroy(); // SIGTERM: the hub's graceful stop
        try {
            if (!hub.waitFor(60, TimeUnit.SECONDS)) {
                System.out.printf("[%s] warning: the hub did not stop within 60 s of SIGTERM; killing it%n", label);
                hub.destroyForcibly();
                hub.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path writeConfig(Path runDir) {
        String secrets = env.secrets().toString();
        String yaml = """
                # written by id.ektp.hub.app.bench.UpBenchmark: one device, the ministry on its own server
                regency: {code: "33.10", name: "Kabupaten Klaten (benchmark)"}
                dataDir: data
                http: {host: 127.0.0.1, port: %d, adminTokenFile: %s/admin.token}
                ministry:
                  sftp: {host: 127.0.0.1, port: %d, username: %s, privateKeyFile: %s/client_key,
                         knownHostsFile: %s/known_hosts, inboxDir: inbox, outboxDir: outbox,
                         pollInterval: 1s, connectTimeout: 2s, readTimeout: 8s, retryMaxDelay: 2s}
                  broker: {url: "tcp://127.0.0.1:1", username: reg3310, passwordFile: %s/broker.password}
                devices:
                  - kecamatan: "%s"
                    name: Cawas (benchmark)
                    deviceId: %s
                    sftp: {host: 127.0.0.1, port: %d, username: %s, privateKeyFile: %s/client_key,
                           knownHostsFile: %s/known_hosts, outboxDir: outbox, connectTimeout: 2s, readTimeout: 8s}
                    pollInterval: %s
                printers:
                  - {id: DKC-1, folder: printers/DKC-1, serves: ["*"]}
                stock: {reorderDaysOfCover: 7, targetDaysOfCover: 30, criticalDaysOfCover: 2, checkSchedule: "0 0 7 * * ?"}
                """.formatted(freePort(), secrets, env.ministryPort(), BenchEnvironment.MINISTRY_USER, secrets,
                secrets, secrets, BenchEnvironment.KECAMATAN, BenchEnvironment.DEVICE_ID, env.devicePort(),
                BenchEnvironment.DEVICE_USER, secrets, secrets, settings.devicePollInterval());
        try {
            Files.createDirectories(runDir.resolve("printers/DKC-1"));
            Path file = runDir.resolve("hub.yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the hub configuration in " + runDir, e);
        }
    }

    // 2026-11-23 19:52:32.417 INFO  ektp.packets   packet 331005-CWS01-...-0001 kecamatan 33.10.05 device CWS01: RECEIVED (...)
    private static final Pattern PACKET_LINE = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*? packet \\S+ kecamatan \\S+ device \\S+: "
                    + "(RECEIVED|OUTBOUND|FORWARDED|QUARANTINED)");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    static Stages stages(Path log, long startEpochMillis) {
        double[] first = {-1, -1, -1};
        double[] last = {-1, -1, -1};
        int quarantined = 0;
        try {
            for (String line : Files.readAllLines(log)) {
                Matcher m = PACKET_LINE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                int stage = switch (m.group(2)) {
                    case "RECEIVED" -> 0;
                    case "OUTBOUND" -> 1;
                    case "FORWARDED" -> 2;
                    default -> -1;
                };
                if (stage < 0) {
                    quarantined++;
                    continue;
                }
                long at = LocalDateTime.parse(m.group(1), LOG_TIME).atZone(ZoneId.systemDefault())
                        .toInstant().toEpochMilli();
                double s = (at - startEpochMillis) / 1000.0;
                if (first[stage] < 0) {
                    first[stage] = s;
                }
                last[stage] = s;
            }
        } catch (IOException | RuntimeException e) {
            // the timeline is a diagnostic; the measured figures do not depend on it
        }
        return new Stages(first[0], last[0], first[1], last[1], first[2], last[2], quarantined);
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailure("interrupted");
        }
    }
}
