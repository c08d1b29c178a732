package id.ektp.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One measured run: a fresh hub ({@link HubProcess}) with a fresh data folder and printer folder;
 * once it is up, one batch of N records is published into the ministry's outbox and the clock runs
 * until every {@code <prrId>.json} is in the printer's {@code queue/} (the folder is listed every
 * {@value #WATCH_MILLIS} ms) and until the batch's receipt has reached the broker. Then everything
 * is checked, and the hub is stopped with SIGTERM.
 */
final class PrrHubRun {
    static final long WATCH_MILLIS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    record Settings(Path jar, String xmx, String ministryPoll, long jcmdEveryMillis, boolean jfr, boolean keepFiles) {}

    /** Seconds from publish (-1 when not seen) of the stages the hub logs, and what it logged. */
    record Timeline(double received, double parsed, double firstQueued, double lastQueued, int queuedLines,
                    int prrIdsQueuedTwice) {}

    record Result(String label, String storage, int records, boolean complete, double startupSeconds,
                  double seconds, double firstJobSeconds, double seconds10to90, double receiptSeconds,
                  int receiptAccepted, int receiptRejected, long receiptCount, Timeline timeline,
                  double hubCpuSeconds, double hubSystemCpuSeconds, double driverCpuSeconds, GcLog gc, double jcmdMaxUsedMiB,
                  int jcmdSamples, double loadBefore, double loadAfter, String verification, String storeStates,
                  Map<String, Long> syscalls, Path runDir, Path jfr, long publishEpochMillis, long endEpochMillis,
                  double baselineSeconds) {
        double recordsPerSecond() {
            return seconds > 0 ? records / seconds : 0;
        }

        /** fsync + fdatasync calls of the hub per record during the batch; -1 if not counted. */
        double syncsPerRecord() {
            if (syscalls.isEmpty()) {
                return -1;
            }
            return (syscalls.getOrDefault("fsync", 0L) + syscalls.getOrDefault("fdatasync", 0L)) / (double) records;
        }

        /** Baseline seconds over the hub's seconds: 0.4 means the hub took 2.5 times the baseline. */
        double ratio() {
            return complete && seconds > 0 ? baselineSeconds / seconds : 0;
        }

        /** The dispatch rate between the 10 % and the 90 % mark of the queue. */
        double steadyRecordsPerSecond() {
            return seconds10to90 > 0 ? 0.8 * records / seconds10to90 : 0;
        }
    }

    private final PrrPeers peers;
    private final Settings settings;

    PrrHubRun(PrrPeers peers, Settings settings) {
        this.peers = peers;
        this.settings = settings;
    }

    /**
     * Runs the hub on a fresh {@code runDir}; its data and printer folders live under {@code storageRoot}
     * (the run folder itself, or a tmpfs folder for the no-disk comparison).
     */
    Result run(String label, PrrBatch batch, Path runDir, Path storageRoot, String storage, long deadlineNanos) {
        BenchIo.deleteTree(runDir);
        BenchIo.deleteTree(storageRoot);
        Path dataDir = storageRoot.resolve("data");
        Path printer = storageRoot.resolve("printers/DKC-1");
        Path queue = printer.resolve("queue");
        int httpPort = BenchIo.freePort();
        Path config;
        try {
            Files.createDirectories(runDir);
            Files.createDirectories(queue);
            Files.createDirectories(printer.resolve("results"));
            config = writeConfig(runDir, dataDir, printer, httpPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + runDir, e);
        }
        for (String name : BenchIo.names(peers.ministryOutbox())) {
            try {
                Files.deleteIfExists(peers.ministryOutbox().resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        // The yardstick, on the same disk as the queue, just before the hub is there to compete.
        double baseline = FsyncBaseline.seconds(storageRoot.resolve("baseline"), batch.size(),
                FsyncBaseline.jobBytes(batch));
        System.out.printf("[%s] baseline: %d job files written, fsynced and renamed one by one in %.2f s%n", label,
                batch.size(), baseline);

        Path jfr = settings.jfr() ? runDir.resolve("hub.jfr") : null;
        List<String> jvmOptions = jfr == null ? List.of()
                : HubProcess.flightRecording(jfr, "profile,jdk.FileForce#threshold=0ms,jdk.FileWrite#threshold=1ms");

        long spawn = System.nanoTime();
        HeapSampler sampler = null;
        try (HubProcess hub = HubProcess.start(settings.jar(), settings.xmx(), jvmOptions, Map.of(), runDir, config)) {
            System.out.printf("[%s] hub pid %d started (%s, data on %s)%n", label, hub.pid(),
                    String.join(" ", hub.jvmOptions()), storage);
            awaitUp(hub, httpPort, label, deadlineNanos);
            double startup = BenchIo.seconds(System.nanoTime() - spawn);
            // Settle: the first device polls and the hub's own start-up messages are done before the clock runs.
            BenchIo.sleep(2000);
            sampler = new HeapSampler(hub.pid(), settings.jcmdEveryMillis());

            PrrSyscalls perf = PrrSyscalls.start(hub.pid(), runDir.resolve("perf-syscalls.csv"));
            double loadBefore = BenchIo.loadAverage();
            double hubCpuBefore = BenchIo.processCpuSeconds(hub.pid());
            double hubSysBefore = BenchIo.processSystemCpuSeconds(hub.pid());
            double ownCpuBefore = BenchIo.ownCpuSeconds();
            long publishEpochMillis = System.currentTimeMillis();
            long t0 = System.nanoTime();
            batch.publish(peers.ministryOutbox());

            int n = batch.size();
            long first = -1;
            long at10 = -1;
            long at90 = -1;
            long all = -1;
            long receiptAt = -1;
            List<String> samples = new ArrayList<>();
            long lastSample = 0;
            int count = 0;
            while (all < 0 || receiptAt < 0) {
                long now = System.nanoTime();
                if (all < 0) {
                    count = BenchIo.countVisible(queue);
                    if (count > 0 && first < 0) {
                        first = now;
                    }
                    if (count >= n / 10 && at10 < 0) {
                        at10 = now;
                    }
                    if (count >= n * 9 / 10 && at90 < 0) {
                        at90 = now;
                    }
                    if (count >= n) {
                        all = now;
                    }
                    if (now - lastSample >= 1_000_000_000L) {
                        samples.add(String.format("%.1f,%d", BenchIo.seconds(now - t0), count));
                        lastSample = now;
                    }
                }
                if (receiptAt < 0) {
                    PrrPeers.Receipt r = peers.receiptFor(batch.batchId());
                    if (r != null) {
                        receiptAt = r.arrivedNanos();
                    }
                }
                if (all >= 0 && receiptAt >= 0) {
                    break;
                }
                if (!hub.isAlive()) {
                    throw new BenchmarkFailure("[" + label + "] the hub exited with code " + hub.exitValue() + " ("
                            + count + " of " + n + " jobs queued); see " + hub.log());
                }
                if (now > deadlineNanos) {
                    System.out.printf("[%s] time limit reached: %d of %d jobs queued, receipt %s; giving up%n",
                            label, count, n, receiptAt < 0 ? "not seen" : "seen");
                    break;
                }
                BenchIo.sleep(WATCH_MILLIS);
            }
            long end = System.nanoTime();
            long endEpochMillis = System.currentTimeMillis();
            Map<String, Long> syscalls = perf == null ? Map.of() : perf.stop();
            double hubCpu = BenchIo.processCpuSeconds(hub.pid()) - hubCpuBefore;
            double hubSys = BenchIo.processSystemCpuSeconds(hub.pid()) - hubSysBefore;
            double ownCpu = BenchIo.ownCpuSeconds() - ownCpuBefore;
            double loadAfter = BenchIo.loadAverage();
            sampler.close();
            samples.add(String.format("%.1f,%d", BenchIo.seconds(end - t0), BenchIo.countVisible(queue)));
            Files.write(runDir.resolve("queue-count.csv"), (String.join("\n", samples) + "\n").getBytes());
            boolean complete = all >= 0 && receiptAt >= 0;

            String verification = complete ? verify(batch, queue, peers.ministryOutbox()) : "not checked (incomplete)";
            PrrPeers.Receipt receipt = peers.receiptFor(batch.batchId());
            if (receipt != null && (receipt.accepted() != n || receipt.rejected() != 0)) {
                verification = "FAILED: receipt says accepted " + receipt.accepted() + ", rejected "
                        + receipt.rejected() + " (expected " + n + ", 0); " + verification;
            }
            long receiptCount = peers.receiptsFor(batch.batchId());
            hub.stop(label);
            Timeline timeline = timeline(hub.log(), publishEpochMillis, batch);
            if (timeline.prrIdsQueuedTwice() > 0) {
                verification = "FAILED: " + timeline.prrIdsQueuedTwice() + " PRR id(s) QUEUED twice in the hub log; "
                        + verification;
            }
            String states = storeStates(dataDir.resolve("state/hub.db"));
            double fromUptime = BenchIo.seconds(t0 - spawn);
            GcLog gc = GcLog.parse(hub.gcLog(), fromUptime);
            Result result = new Result(label, storage, n, complete, startup,
                    all >= 0 ? BenchIo.seconds(all - t0) : -1,
                    first >= 0 ? BenchIo.seconds(first - t0) : -1,
                    at10 >= 0 && at90 >= 0 ? BenchIo.seconds(at90 - at10) : -1,
                    receiptAt >= 0 ? BenchIo.seconds(receiptAt - t0) : -1,
                    receipt == null ? -1 : receipt.accepted(), receipt == null ? -1 : receipt.rejected(), receiptCount,
                    timeline, hubCpu, hubSys, ownCpu, gc, sampler.maxUsedMiB(), sampler.count(), loadBefore, loadAfter,
                    verification, states, syscalls, runDir, jfr, publishEpochMillis, endEpochMillis, baseline);
            if (!settings.keepFiles()) {
                BenchIo.deleteTree(storageRoot.resolve("printers"));
                BenchIo.deleteTree(dataDir.resolve("spool"));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (sampler != null) {
                sampler.close();
            }
        }
    }

    private static void awaitUp(HubProcess hub, int httpPort, String label, long deadlineNanos) {
        long limit = Math.min(deadlineNanos, System.nanoTime() + TimeUnit.SECONDS.toNanos(120));
        while (true) {
            if (!hub.isAlive()) {
                throw new BenchmarkFailure("[" + label + "] the hub exited with code " + hub.exitValue()
                        + " while starting; see " + hub.log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", httpPort), 500);
                return;
            } catch (IOException notYet) {
                // not up yet
            }
            if (System.nanoTime() > limit) {
                throw new BenchmarkFailure("[" + label + "] the hub's HTTP port " + httpPort + " did not answer; see " + hub.log());
            }
            BenchIo.sleep(200);
        }
    }

    /**
     * Every job file: exactly the batch's PRR ids, each once, each valid JSON carrying its record
     * (prrId, nik, pickup kecamatan as published), this batchId and a queuedAt; no temp files left;
     * the batch gone from the ministry's outbox.
     */
    static String verify(PrrBatch batch, Path queue, Path ministryOutbox) {
        List<String> names = BenchIo.names(queue);
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int temp = 0;
        int ok = 0;
        for (String name : names) {
            if (name.startsWith(".")) {
                temp++;
                continue;
            }
            if (!name.endsWith(".json")) {
                problems.add("unexpected file " + name);
                continue;
            }
            String prrId = name.substring(0, name.length() - ".json".length());
            if (!seen.add(prrId)) {
                problems.add("duplicate " + name);
                continue;
            }
            PrrBatch.Expected expected = batch.records().get(prrId);
            if (expected == null) {
                problems.add("job for a PRR id not in the batch: " + name);
                continue;
            }
            try {
                JsonNode job = JSON.readTree(queue.resolve(name).toFile());
                String queuedAt = job.path("queuedAt").asText("");
                if (!prrId.equals(job.path("prrId").asText())
                        || !batch.batchId().equals(job.path("batchId").asText())
                        || !expected.nik().equals(job.path("nik").asText())
                        || !expected.pickup().equals(job.path("pickupKecamatanCode").asText())
                        || queuedAt.isEmpty()) {
                    problems.add(name + ": wrong content (prrId/batchId/nik/pickup/queuedAt)");
                    continue;
                }
                OffsetDateTime.parse(queuedAt);
                ok++;
            } catch (IOException | RuntimeException e) {
                problems.add(name + ": not valid JSON or bad queuedAt (" + e.getMessage() + ")");
            }
        }
        int missing = batch.size() - seen.size();
        if (missing > 0) {
            problems.add(missing + " PRR id(s) of the batch have no job file");
        }
        if (temp > 0) {
            problems.add(temp + " temp file(s) left in queue/");
        }
        // The SFTP consumer deletes the batch after the hub holds it; allow it a moment.
        for (int i = 0; i < 50 && Files.exists(ministryOutbox.resolve(batch.fileName())); i++) {
            BenchIo.sleep(100);
        }
        if (Files.exists(ministryOutbox.resolve(batch.fileName()))) {
            problems.add("the batch is still in the ministry outbox");
        }
        if (!problems.isEmpty()) {
            return "FAILED: " + problems.size() + " problem(s), e.g. " + problems.subList(0, Math.min(5, problems.size()));
        }
        return "OK: " + ok + " job files, each once, valid JSON with its record, batchId and queuedAt; "
                + "no temp files; batch removed from the ministry outbox";
    }

    /** The state store after the hub stopped, read-only: print jobs per state. */
    private static String storeStates(Path db) {
        if (!Files.exists(db)) {
            return "no state store";
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT state, COUNT(*), COUNT(DISTINCT prr_id) FROM print_job GROUP BY state")) {
            Map<String, String> states = new TreeMap<>();
            while (rs.next()) {
                states.put(rs.getString(1), rs.getLong(2) + (rs.getLong(2) == rs.getLong(3) ? "" : " (not distinct!)"));
            }
            return "print_job: " + states;
        } catch (SQLException e) {
            return "state store unreadable: " + e.getMessage();
        }
    }


    // 2026-11-23 20:41:16.123 INFO  ektp.prr       prr PRR-3310-100000001: QUEUED on printer DKC-1 (print 1 of this PRR)
    private static final Pattern LINE = Pattern.compile("^(" + HubProcess.LOG_TIMESTAMP + ") (.*)$");
    private static final Pattern QUEUED = Pattern.compile("prr (\\S+): QUEUED on printer");

    static Timeline timeline(Path log, long publishEpochMillis, PrrBatch batch) {
        double received = -1;
        double parsed = -1;
        double firstQueued = -1;
        double lastQueued = -1;
        Map<String, Integer> queued = new HashMap<>();
        try {
            for (String line : Files.readAllLines(log)) {
                Matcher m = LINE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                String text = m.group(2);
                double at = -1;
                if (text.contains("batch file " + batch.fileName() + ": received")) {
                    received = at = at(m.group(1), publishEpochMillis);
                } else if (text.contains("batch " + batch.batchId() + " (") && text.contains("accepted for printing")) {
                    parsed = at(m.group(1), publishEpochMillis);
                } else {
                    Matcher q = QUEUED.matcher(text);
                    if (q.find() && batch.records().containsKey(q.group(1))) {
                        queued.merge(q.group(1), 1, Integer::sum);
                        at = at(m.group(1), publishEpochMillis);
                        if (firstQueued < 0) {
                            firstQueued = at;
                        }
                        lastQueued = at;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the timeline is a diagnostic; the measured figures do not depend on it
        }
        int twice = (int) queued.values().stream().filter(v -> v > 1).count();
        int lines = queued.values().stream().collect(Collectors.summingInt(Integer::intValue));
        return new Timeline(received, parsed, firstQueued, lastQueued, lines, twice);
    }

    private static double at(String timestamp, long publishEpochMillis) {
        return (HubProcess.loggedAtEpochMillis(timestamp) - publishEpochMillis) / 1000.0;
    }

    private Path writeConfig(Path runDir, Path dataDir, Path printer, int httpPort) throws IOException {
        String secrets = peers.secrets().toString();
        StringBuilder yaml = new StringBuilder("""
                # written by id.ektp.hub.bench.PrrBenchmark (the shape of HubTestEnvironment.config())
                regency: {code: "%s", name: "Kabupaten Klaten (PRR benchmark)"}
                dataDir: "%s"
                http: {host: 127.0.0.1, port: %d, adminTokenFile: %s/admin.token}
                ministry:
                  sftp: {host: 127.0.0.1, port: %d, username: %s, privateKeyFile: %s/hub_key,
                         knownHostsFile: %s/known_hosts, inboxDir: inbox, outboxDir: outbox,
                         pollInterval: %s, connectTimeout: 2s, readTimeout: 8s, retryMaxDelay: 2s}
                  broker: {url: "%s", username: reg3310, passwordFile: %s/broker.password, retryMaxDelay: 2s}
                devices:
                """.formatted(PrrBatch.REGENCY, dataDir, httpPort, secrets, peers.ministryPort(),
                PrrPeers.MINISTRY_USER, secrets, secrets, settings.ministryPoll(), peers.brokerUrl(), secrets));
        for (PrrPeers.Device d : PrrPeers.DEVICES) {
            yaml.append("""
                      - kecamatan: "%s"
                        name: %s
                        deviceId: %s
                        sftp: {host: 127.0.0.1, port: %d, username: %s, privateKeyFile: %s/hub_key,
                               knownHostsFile: %s/known_hosts, outboxDir: outbox, connectTimeout: 2s, readTimeout: 8s}
                        pollInterval: 30s
                        neighbours: []
                    """.formatted(d.kecamatan(), d.name(), d.deviceId(), peers.devicePort(), d.username(), secrets,
                    secrets));
        }
        yaml.append("""
                printers:
                  - {id: DKC-1, folder: "%s", serves: ["*"]}
                stock: {reorderDaysOfCover: 7, targetDaysOfCover: 30, criticalDaysOfCover: 2, checkSchedule: "0 0 7 * * ?"}
                reports: {deviceDownAfter: 1h, statusInterval: 24h}
                """.formatted(printer));
        Path file = runDir.resolve("hub.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
