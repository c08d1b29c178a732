package id.ektp.hub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contestant: the real hub as a child process ({@link HubProcess}), with its own heap limit and
 * GC log. Each run has two timed phases in the same hub process:
 *
 * <ol>
 *   <li><b>cold</b>: the packets are in the device outbox before the hub starts; timed from
 *       process start (JVM, Camel, first connections, JIT warm-up all included) until the
 *       ministry inbox holds every packet;</li>
 *   <li><b>warm</b>: the same hub, now warmed up by phase 1, gets a second set of as many packets
 *       of the same size (other packet ids), made to appear in the outbox at once; timed from
 *       then until the inbox holds every one. This is the hub's steady state, as in production,
 *       where it runs for months.</li>
 * </ol>
 *
 * After each phase every delivered file is checked against the device's SHA-256. Then the hub is
 * stopped with SIGTERM, as an operator would.
 */
final class HubRun {
    /** How often the driver looks at the ministry inbox. */
    private static final long WATCH_MILLIS = 50;

    /** Settings of the hub child process. */
    record Settings(Path jar, String xmx, String devicePollInterval, List<String> extraJvmOptions,
                    Map<String, String> environment, Path jfcFile) {
        boolean profiled() {
            return jfcFile != null;
        }
    }

    /**
     * When the UP stages handled their first and last packet, seconds from the phase's start, from
     * the hub's own {@code ektp.packets} log lines (millisecond timestamps); -1 if the log did not say.
     */
    record Stages(double firstReceived, double lastReceived, double firstOutbound, double lastOutbound,
                  double firstForwarded, double lastForwarded, int quarantined) {}

    /** One timed phase: wall seconds, CPU seconds of the hub and of the servers, the stage timeline. */
    record Phase(double seconds, double cpuSeconds, double serverCpuSeconds, Stages stages,
                 List<Map.Entry<String, Double>> threadCpu) {
        /** From the first packet received to the last one in the inbox (all of it if unknown). */
        double afterFirstReceived() {
            return stages.firstReceived() < 0 ? seconds : seconds - stages.firstReceived();
        }
    }

    /** What one hub run measured; {@code warm} is null when no warm set was given. */
    record Result(Phase cold, Phase warm, long warmStartEpochMillis, GcLog gc, Path runDir, Path jfr) {}

    private final BenchEnvironment env;
    private final Path runsDir;
    private final Settings settings;

    HubRun(BenchEnvironment env, Path runsDir, Settings settings) {
        this.env = env;
        this.runsDir = runsDir;
        this.settings = settings;
    }

    Result run(PacketSet coldSet, PacketSet warmSet, String label, long deadlineNanos) {
        Path runDir = runsDir.resolve(label);
        BenchIo.deleteTree(runDir);
        BenchIo.emptyDir(env.inbox());
        coldSet.placeInto(env.outbox());
        Path config = writeConfig(runDir);
        BenchIo.sync();

        Path jfr = settings.profiled() ? runDir.resolve("hub.jfr") : null;
        List<String> jvmOptions = new ArrayList<>();
        if (jfr != null) {
            jvmOptions.addAll(HubProcess.flightRecording(jfr, settings.jfcFile().toString()));
        }
        jvmOptions.addAll(settings.extraJvmOptions());

        double serverCpuBefore = BenchIo.ownCpuSeconds();
        long startEpochMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        try (HubProcess hub = HubProcess.start(settings.jar(), settings.xmx(), jvmOptions, settings.environment(),
                runDir, config)) {
            awaitDelivery(hub, coldSet, label + " cold", deadlineNanos);
            long coldDone = System.nanoTime();
            double coldCpu = BenchIo.processCpuSeconds(hub.pid());
            double coldServerCpu = BenchIo.ownCpuSeconds() - serverCpuBefore;
            List<Map.Entry<String, Double>> coldThreads = BenchIo.threadCpuSeconds(hub.pid());
            heapHistogram(hub, runDir.resolve("heap-histogram-cold.txt"));
            finishPhase(coldSet, label + " cold");

            long warmStartEpochMillis = 0;
            long warmStart = 0;
            double warmServerCpuBefore = 0;
            long warmDone = 0;
            double warmCpu = 0;
            double warmServerCpu = 0;
            List<Map.Entry<String, Double>> warmThreads = List.of();
            if (warmSet != null) {
                warmServerCpuBefore = BenchIo.ownCpuSeconds();
                warmStartEpochMillis = System.currentTimeMillis();
                warmStart = System.nanoTime();
                warmSet.placeAtOnce(env.outbox());
                awaitDelivery(hub, warmSet, label + " warm", deadlineNanos);
                warmDone = System.nanoTime();
                warmCpu = BenchIo.processCpuSeconds(hub.pid()) - coldCpu;
                warmServerCpu = BenchIo.ownCpuSeconds() - warmServerCpuBefore;
                warmThreads = minus(BenchIo.threadCpuSeconds(hub.pid()), coldThreads);
                heapHistogram(hub, runDir.resolve("heap-histogram-warm.txt"));
                finishPhase(warmSet, label + " warm");
            }
            hub.stop(label);

            Phase cold = new Phase(BenchIo.seconds(coldDone - start), coldCpu, coldServerCpu,
                    stages(hub.log(), startEpochMillis, coldSet.packetIds()), coldThreads);
            Phase warm = warmSet == null ? null : new Phase(BenchIo.seconds(warmDone - warmStart), warmCpu,
                    warmServerCpu, stages(hub.log(), warmStartEpochMillis, warmSet.packetIds()), warmThreads);
            // The hub's spool copies are gone once forwarded; logs and GC log stay for reading.
            BenchIo.deleteTree(runDir.resolve("data/spool"));
            BenchIo.sync();
            return new Result(cold, warm, warmStartEpochMillis, GcLog.parse(hub.gcLog(), 0), runDir, jfr);
        }
    }

    /**
     * What the hub's heap holds at the end of a phase (untimed): {@code jcmd PID GC.class_histogram},
     * whose full collection also makes the GC log's "after" figure the true live set.
     */
    private static void heapHistogram(HubProcess hub, Path target) {
        String jcmd = BenchIo.jdkTool("jcmd");
        if (!Files.isExecutable(Path.of(jcmd))) {
            return;
        }
        String histogram = BenchIo.capture(List.of(jcmd, Long.toString(hub.pid()), "GC.class_histogram"), 60);
        List<String> lines = histogram.lines().limit(40).toList();
        try {
            Files.write(target, lines);
        } catch (IOException e) {
            // a diagnostic only
        }
    }

    /** Waits until the inbox holds every packet of the set (final names only; .part files are ignored). */
    private void awaitDelivery(HubProcess hub, PacketSet set, String label, long deadlineNanos) {
        // Packets reach the inbox in capture order only roughly (the hub takes up to 100 per poll in
        // the server's listing order), so this only waits for all of them; when the first ones came
        // is read from the hub's own log afterwards.
        List<String> names = set.packets().stream().map(PacketSet.Packet::fileName).toList();
        int delivered = 0;
        while (true) {
            while (delivered < names.size() && Files.exists(env.inbox().resolve(names.get(delivered)))) {
                delivered++;
            }
            if (delivered == names.size()) {
                return;
            }
            if (!hub.isAlive()) {
                throw new BenchmarkFailure("[" + label + "] the hub exited with code " + hub.exitValue()
                        + " before delivering all " + names.size() + " packets; see " + hub.log());
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new BenchmarkFailure("[" + label + "] the hub did not deliver all " + names.size()
                        + " packets within the time limit (" + BenchIo.names(env.inbox()).size()
                        + " files in the inbox); giving up (log: " + hub.log() + ")");
            }
            BenchIo.sleep(WATCH_MILLIS);
        }
    }

    /** Checks the delivered files, that the device outbox was emptied, and clears the inbox. */
    private void finishPhase(PacketSet set, String label) {
        String problem = set.verify(env.inbox());
        if (problem != null) {
            throw new BenchmarkFailure("[" + label + "] the hub delivered wrong files: " + problem);
        }
        // The hub deletes each zip and its .done once it holds the packet; the last delete may
        // trail the last upload by a moment.
        for (int i = 0; i < 100 && !BenchIo.names(env.outbox()).isEmpty(); i++) {
            BenchIo.sleep(50);
        }
        List<String> left = BenchIo.names(env.outbox());
        if (!left.isEmpty()) {
            throw new BenchmarkFailure("[" + label + "] " + left.size()
                    + " files still in the device outbox after delivery, e.g. " + left.get(0));
        }
        BenchIo.emptyDir(env.inbox());
    }

    private static List<Map.Entry<String, Double>> minus(List<Map.Entry<String, Double>> after,
                                                         List<Map.Entry<String, Double>> before) {
        Map<String, Double> b = new HashMap<>();
        before.forEach(e -> b.put(e.getKey(), e.getValue()));
        return after.stream().map(e -> Map.entry(e.getKey(), e.getValue() - b.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() > 0.05)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).toList();
    }


    private Path writeConfig(Path runDir) {
        return writeConfig(env, runDir, env.devicePort(), env.ministryPort(), settings.devicePollInterval());
    }

    /**
     * The hub's configuration for a run: one device at {@code devicePort} and the ministry at
     * {@code ministryPort} (the servers' own ports, or lines in front of them).
     */
    static Path writeConfig(BenchEnvironment env, Path runDir, int devicePort, int ministryPort, String pollInterval) {
        String secrets = env.secrets().toString();
        String yaml = """
                # written by id.ektp.hub.bench.UpBenchmark: one device, the ministry on its own server
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
                """.formatted(BenchIo.freePort(), secrets, ministryPort, BenchEnvironment.MINISTRY_USER, secrets,
                secrets, secrets, BenchEnvironment.KECAMATAN, BenchEnvironment.DEVICE_ID, devicePort,
                BenchEnvironment.DEVICE_USER, secrets, secrets, pollInterval);
        try {
            Files.createDirectories(runDir.resolve("printers/DKC-1/queue"));
            Files.createDirectories(runDir.resolve("printers/DKC-1/results"));
            Path file = runDir.resolve("hub.yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the hub configuration in " + runDir, e);
        }
    }

    // 2026-11-23 19:52:32.417 INFO  ektp.packets   packet 331005-CWS01-...-0001 kecamatan 33.10.05 device CWS01: RECEIVED (...)
    private static final Pattern PACKET_LINE = Pattern.compile("^(" + HubProcess.LOG_TIMESTAMP
            + ") .*? packet (\\S+) kecamatan \\S+ device \\S+: (RECEIVED|OUTBOUND|FORWARDED|QUARANTINED)");

    static Stages stages(Path log, long startEpochMillis, Set<String> packetIds) {
        double[] first = {-1, -1, -1};
        double[] last = {-1, -1, -1};
        int quarantined = 0;
        try {
            for (String line : Files.readAllLines(log)) {
                Matcher m = PACKET_LINE.matcher(line);
                if (!m.find() || !packetIds.contains(m.group(2))) {
                    continue;
                }
                int stage = switch (m.group(3)) {
                    case "RECEIVED" -> 0;
                    case "OUTBOUND" -> 1;
                    case "FORWARDED" -> 2;
                    default -> -1;
                };
                if (stage < 0) {
                    quarantined++;
                    continue;
                }
                double s = (HubProcess.loggedAtEpochMillis(m.group(1)) - startEpochMillis) / 1000.0;
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
}
