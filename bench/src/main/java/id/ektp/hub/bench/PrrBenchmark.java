package id.ektp.hub.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * DOWN-flow benchmark: PRR records per second from a ministry batch to the printer's queue, and the
 * hub's heap. The driver runs the ministry's SFTP server, a device SFTP server and the ministry's
 * broker in its own JVM; the hub is a child process ({@code -Xmx256m}, GC log) started fresh for each
 * run. Per run: one batch of N valid records is published into the ministry's outbox, and the clock
 * runs from then until all N {@code <prrId>.json} are in the printer's {@code queue/} and until the
 * batch's receipt (accepted == N) is on {@code EKTP.PRR.RECEIPTS}. See docs/benchmark.md, section
 * "PRR batch → printer queue".
 *
 * <p>Runs: {@code --runs} measured runs on disk (each on fresh data and printer folders), then, for
 * the findings, one run with the hub's data and printer folders on tmpfs (what durability costs:
 * fsync is nearly free there) and one run under JFR (its time is not a figure: the recorder
 * perturbs it), summarised in {@code profile.txt}.
 */
public final class PrrBenchmark {
    private static final String USAGE = """
            usage: PrrBenchmark [--records 10000] [--runs 2] [--out bench/out/prr] [--xmx 256m]
                                [--ministry-poll 1s] [--timeout-minutes 15] [--jcmd-every-seconds 5]
                                [--no-tmpfs] [--no-profile] [--keep-files] [--jar app/target/ektp-hub.jar]""";

    /** The steps of the DOWN flow whose samples profile.txt breaks down by what they called. */
    private static final List<String> PROFILED_STEPS = List.of("id.ektp.hub.down.JobDispatcher.queue",
            "id.ektp.hub.connectors.printer.FolderPrinterQueue.write", "id.ektp.hub.store.PrintJobs.markQueued",
            "id.ektp.hub.down.BatchProcessor.process", "id.ektp.hub.down.BatchIntake.receive");

    private PrrBenchmark() {}

    public static void main(String[] args) throws Exception {
        int records = 10_000;
        int runs = 2;
        Path out = Path.of("bench/out/prr");
        String xmx = "256m";
        String poll = "1s";
        int minutes = 15;
        int jcmdEvery = 5;
        boolean tmpfs = true;
        boolean profile = true;
        boolean keep = false;
        Path jar = Path.of("app/target/ektp-hub.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--xmx" -> xmx = args[++i];
                case "--ministry-poll" -> poll = args[++i];
                case "--timeout-minutes" -> minutes = Integer.parseInt(args[++i]);
                case "--jcmd-every-seconds" -> jcmdEvery = Integer.parseInt(args[++i]);
                case "--no-tmpfs" -> tmpfs = false;
                case "--no-profile" -> profile = false;
                case "--keep-files" -> keep = true;
                case "--jar" -> jar = Path.of(args[++i]);
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> {
                    System.err.println("PrrBenchmark: unknown option " + args[i] + "\n" + USAGE);
                    System.exit(64);
                }
            }
        }
        if (records < 10 || runs < 1) {
            System.err.println("PrrBenchmark: --records must be at least 10 and --runs at least 1");
            System.exit(64);
        }
        if (!Files.isRegularFile(jar)) {
            System.err.println("PrrBenchmark: no hub jar " + jar + ": build it (mvn -q -DskipTests package) or pass --jar");
            System.exit(64);
        }
        out = out.toAbsolutePath();
        jar = jar.toAbsolutePath();
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MINUTES.toNanos(minutes);
        Files.createDirectories(out);
        BenchIo.deleteTree(out.resolve("runs"));
        Path shm = Path.of("/dev/shm");
        Path tmpfsRoot = shm.resolve("ektp-prr-bench-" + ProcessHandle.current().pid());

        List<PrrHubRun.Result> measured = new ArrayList<>();
        PrrHubRun.Result onTmpfs = null;
        PrrHubRun.Result profiled = null;
        String profileText = null;
        List<String> notes = new ArrayList<>();
        String machine = machine();
        if (BenchIo.loadAverage() > Runtime.getRuntime().availableProcessors()) {
            System.out.printf(Locale.ROOT, "PRR benchmark: warning: load average %.1f on %d CPUs; other work on this "
                    + "machine will lower the figures%n", BenchIo.loadAverage(), Runtime.getRuntime().availableProcessors());
        }
        System.out.printf("PRR benchmark: %d records, %d run(s), hub -Xmx%s, ministry poll %s, out %s%n%s%n", records,
                runs, xmx, poll, out, machine);

        try (PrrPeers peers = new PrrPeers(out.resolve("env"))) {
            List<String> kecamatans = PrrPeers.DEVICES.stream().map(PrrPeers.Device::kecamatan).toList();
            PrrHubRun measure = new PrrHubRun(peers, new PrrHubRun.Settings(jar, xmx, poll, jcmdEvery * 1000L, false, keep));
            int seq = 0;
            try {
                for (int r = 1; r <= runs; r++) {
                    PrrBatch batch = PrrBatch.of(++seq, records, kecamatans);
                    Path runDir = out.resolve("runs/run" + r);
                    PrrHubRun.Result result = measure.run("run" + r, batch, runDir, runDir, "disk", deadline);
                    measured.add(result);
                    System.out.println(summary(result));
                    if (!result.complete()) {
                        break;
                    }
                }
                if (tmpfs && Files.isDirectory(shm) && time(measured, deadline)) {
                    PrrBatch batch = PrrBatch.of(++seq, records, kecamatans);
                    try {
                        onTmpfs = measure.run("tmpfs", batch, out.resolve("runs/tmpfs"), tmpfsRoot,
                                "tmpfs (/dev/shm)", deadline);
                        System.out.println(summary(onTmpfs));
                    } finally {
                        BenchIo.deleteTree(tmpfsRoot);
                    }
                } else if (tmpfs) {
                    notes.add("tmpfs run skipped (no /dev/shm or not enough time left)");
                }
                if (profile && time(measured, deadline)) {
                    PrrHubRun jfrRun = new PrrHubRun(peers, new PrrHubRun.Settings(jar, xmx, poll, 0, true, keep));
                    PrrBatch batch = PrrBatch.of(++seq, records, kecamatans);
                    Path runDir = out.resolve("runs/profiled");
                    profiled = jfrRun.run("profiled", batch, runDir, runDir, "disk, under JFR", deadline);
                    System.out.println(summary(profiled));
                    ByteArrayOutputStream text = new ByteArrayOutputStream();
                    try (PrintStream ps = new PrintStream(text, true, StandardCharsets.UTF_8)) {
                        JfrSummary.print(profiled.jfr(), "the hub, publish .. last job",
                                Instant.ofEpochMilli(profiled.publishEpochMillis()),
                                Instant.ofEpochMilli(profiled.endEpochMillis()), 20, PROFILED_STEPS, ps);
                    }
                    profileText = text.toString(StandardCharsets.UTF_8);
                    Files.writeString(out.resolve("profile.txt"), profileText);
                    Files.copy(profiled.jfr(), out.resolve("hub.jfr"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } else if (profile) {
                    notes.add("profiled run skipped (not enough time left)");
                }
            } catch (BenchmarkFailure e) {
                notes.add("stopped: " + e.getMessage());
                System.err.println("PrrBenchmark: " + e.getMessage());
            }
        } finally {
            BenchIo.deleteTree(tmpfsRoot);
        }

        String report = report(records, xmx, poll, machine, measured, onTmpfs, profiled, notes,
                BenchIo.seconds(System.nanoTime() - started));
        Files.writeString(out.resolve("results.md"), report);
        System.out.println();
        System.out.println(report);
        if (profileText != null) {
            System.out.println("JFR summary: " + out.resolve("profile.txt") + " (recording: " + out.resolve("hub.jfr") + ")");
        }
        boolean ok = measured.size() == runs && measured.stream().allMatch(r -> r.complete()
                && r.verification().startsWith("OK"));
        System.out.println(result(records, measured));
        System.exit(ok ? 0 : 1);
    }

    /**
     * The last line: the measured run with the lowest ratio (the worst one; an incomplete run is
     * ratio 0), and the highest heap peak of them all.
     */
    static String result(int records, List<PrrHubRun.Result> measured) {
        PrrHubRun.Result worst = measured.stream().min(Comparator.comparingDouble(PrrHubRun.Result::ratio))
                .orElse(null);
        double heap = measured.stream().mapToDouble(r -> r.gc().peakUsedMiB()).max().orElse(-1);
        return String.format(Locale.ROOT, "RESULT prr records=%d hub_s=%.2f fsync_per_file_s=%.2f ratio=%.2f "
                        + "heap_peak_mib=%.0f", records, worst == null || !worst.complete() ? -1 : worst.seconds(),
                worst == null ? -1 : worst.baselineSeconds(), worst == null ? 0 : worst.ratio(), heap);
    }

    /** Whether another run fits: the longest run so far, half again, plus a minute for start and stop. */
    private static boolean time(List<PrrHubRun.Result> done, long deadline) {
        double longest = done.stream().mapToDouble(r -> r.startupSeconds() + Math.max(r.seconds(), r.receiptSeconds()))
                .max().orElse(60);
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos((long) ((longest * 1.5 + 60) * 1000)) < deadline;
    }

    private static String summary(PrrHubRun.Result r) {
        return String.format(Locale.ROOT, "[%s] %s: %d records in %.1f s = %.0f records/s (10-90%%: %.0f/s), baseline "
                        + "%.2f s (ratio %.2f), receipt after %.1f s, hub peak heap %.0f MiB (%.0f MiB after GC), %s",
                r.label(), r.complete() ? "complete" : "INCOMPLETE", r.records(), r.seconds(), r.recordsPerSecond(),
                r.steadyRecordsPerSecond(), r.baselineSeconds(), r.ratio(), r.receiptSeconds(), r.gc().peakUsedMiB(),
                r.gc().peakAfterGcMiB(), r.verification());
    }

    private static String report(int records, String xmx, String poll, String machine, List<PrrHubRun.Result> measured,
                                 PrrHubRun.Result onTmpfs, PrrHubRun.Result profiled,
                                 List<String> notes,
                                 double wallSeconds) {
        StringBuilder b = new StringBuilder();
        b.append("# PRR batch → printer queue: results\n\n");
        b.append(machine).append("\n\n");
        b.append(String.format(Locale.ROOT, "One batch of %d valid records per run; hub `-Xmx%s`, ministry outbox polled "
                + "every %s; fresh data and printer folders for each run. Benchmark wall time %.0f s.%n%n",
                records, xmx, poll, wallSeconds));
        List<PrrHubRun.Result> all = new ArrayList<>(measured);
        if (onTmpfs != null) {
            all.add(onTmpfs);
        }
        if (profiled != null) {
            all.add(profiled);
        }
        b.append("| run | storage | records/s end to end | seconds to all N in queue/ | baseline s (N files written, "
                + "fsynced, renamed one by one) | ratio baseline/hub | dispatch records/s (10→90 %) "
                + "| receipt on broker (s) | peak heap used MiB (GC log) | max after GC MiB | jcmd max used MiB "
                + "| GCs | hub CPU s (of it kernel) | load 1m before/after |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (PrrHubRun.Result r : all) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %.2f | %.2f | %.0f | %.1f | %.0f | %.0f | %s | %d | %.1f (%.1f) | %.1f / %.1f |%n",
                    r.label(), r.storage(), r.complete() ? String.format(Locale.ROOT, "%.0f", r.recordsPerSecond())
                            : "incomplete", r.seconds(), r.baselineSeconds(), r.ratio(), r.steadyRecordsPerSecond(),
                    r.receiptSeconds(),
                    r.gc().peakUsedMiB(), r.gc().peakAfterGcMiB(),
                    r.jcmdSamples() > 0 ? String.format(Locale.ROOT, "%.0f (%d samples)", r.jcmdMaxUsedMiB(), r.jcmdSamples())
                            : "-", r.gc().collections(), r.hubCpuSeconds(), r.hubSystemCpuSeconds(), r.loadBefore(), r.loadAfter()));
        }
        b.append("\nTimeline (seconds after publish, from the hub's log): batch on the hub's disk / batch read and "
                + "committed (its last chunk of jobs, with the receipt) / first job QUEUED / last job QUEUED; hub "
                + "start-up.\n\n");
        for (PrrHubRun.Result r : all) {
            PrrHubRun.Timeline t = r.timeline();
            b.append(String.format(Locale.ROOT, "- %s: received %.2f, parsed %.2f, first QUEUED %.2f, last QUEUED %.2f "
                            + "(%d QUEUED lines, %d PRR ids queued twice; first to last QUEUED %.0f records/s); first job "
                            + "file seen %.2f; hub up after %.1f s; "
                            + "heap in the batch window: peak %.0f MiB, after GC %.0f MiB, %d GCs (all run: %d, %.0f ms "
                            + "pauses, %d full); driver CPU (SFTP servers, broker, watcher) %.1f s%n",
                    r.label(), t.received(), t.parsed(), t.firstQueued(), t.lastQueued(), t.queuedLines(),
                    t.prrIdsQueuedTwice(), t.lastQueued() > t.firstQueued() ? (t.queuedLines() - 1) / (t.lastQueued() - t.firstQueued()) : 0,
                    r.firstJobSeconds(), r.startupSeconds(), r.gc().windowPeakUsedMiB(),
                    r.gc().windowPeakAfterGcMiB(), r.gc().windowCollections(), r.gc().collections(),
                    r.gc().pauseMillis(), r.gc().fullCollections(), r.driverCpuSeconds()));
            if (!r.syscalls().isEmpty()) {
                b.append(String.format(Locale.ROOT, "  - hub system calls during the batch (perf stat): %s = %.2f "
                        + "fsync+fdatasync per record%n", r.syscalls(), r.syncsPerRecord()));
            }
            b.append(String.format(Locale.ROOT, "  - check: %s; receipt: accepted %d, rejected %d, %d receipt(s) for "
                            + "the batch; state store after stop: %s%n",
                    r.verification(), r.receiptAccepted(), r.receiptRejected(), r.receiptCount(), r.storeStates()));
        }
        for (String note : notes) {
            b.append("\nNote: ").append(note).append('\n');
        }
        return b.toString();
    }

    private static String machine() {
        String cpuModel = "?";
        try {
            cpuModel = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            // leave "?"
        }
        return String.format(Locale.ROOT, "Machine: %d CPUs (%s), %s %s, Java %s (%s), %s; %s",
                Runtime.getRuntime().availableProcessors(), cpuModel, System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.name"), ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                String.format(Locale.ROOT, "load average %.2f at start", BenchIo.loadAverage()));
    }
}
