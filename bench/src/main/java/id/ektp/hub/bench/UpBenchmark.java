package id.ektp.hub.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The UP-flow benchmark: moves N packets from one device account to the ministry inbox over
 * loopback, once with OpenSSH's {@code sftp} (download, then upload: the baseline) and once
 * with the hub, against the same two embedded SFTP servers and the same files, and prints
 * packets/s, MB/s, the ratio hub/baseline and the hub's peak heap. Run it with
 * {@code bench/up-benchmark.sh}; {@code docs/benchmark.md} explains the method and the figures.
 *
 * <pre>
 * java -cp bench/target/ektp-hub-bench.jar id.ektp.hub.bench.UpBenchmark [--large 500] [--small 5000] [--runs 2]
 *      [--out bench/out] [--jar app/target/ektp-hub.jar] [--xmx 256m] [--poll-interval 200ms] [--timeout-minutes 15]
 *      [--profile] [--no-warm] [--baseline-cipher hub|default|NAME] [--hub-jvm-option OPT]...
 *      [--hub-env NAME=VALUE]...   (--help says more)
 * </pre>
 */
public final class UpBenchmark {
    static final long MIB = 1024 * 1024;

    /** One shape of traffic: so many packets of about so many bytes. */
    record Scenario(String name, int count, long targetBytes, int dayOffset) {
        String describe() {
            return count + " x " + (targetBytes >= MIB ? targetBytes / MIB + " MiB" : targetBytes / 1024 + " KiB");
        }
    }

    /** One baseline + hub pair on the same packets. */
    record Row(Scenario scenario, int run, long bytes, int packets, OpenSshBaseline.Result baseline,
               HubRun.Result hub, String loadBefore) {
        /** Throughput ratio hub/baseline with the hub timed from process start. */
        double ratio() {
            return baseline.seconds() / hub.cold().seconds();
        }

        /** Throughput ratio hub/baseline with the hub already running and warmed up; NaN without a warm phase. */
        double warmRatio() {
            return hub.warm() == null ? Double.NaN : baseline.seconds() / hub.warm().seconds();
        }
    }

    private final Options options;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    private UpBenchmark(Options options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (ParseException e) {
            System.err.println("UpBenchmark: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(64);
            return;
        }
        if (options.help) {
            System.out.println(Options.USAGE);
            return;
        }
        int code = new UpBenchmark(options).execute();
        System.exit(code);
    }

    private int execute() {
        if (!OpenSshBaseline.available()) {
            System.err.println("UpBenchmark: " + OpenSshBaseline.SFTP + " not found; the baseline needs OpenSSH's sftp client");
            return 1;
        }
        Path out = options.out.toAbsolutePath().normalize();
        try {
            Files.createDirectories(out);
            Path jfc = options.profile ? writeProfileSettings(out) : null;
            HubRun.Settings settings = new HubRun.Settings(options.jar, options.xmx, options.pollInterval,
                    options.hubJvmOptions, options.hubEnvironment, jfc);
            String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
            try (BenchEnvironment env = new BenchEnvironment(out.resolve("env"))) {
                String hubNegotiated = SshProbe.negotiated(env);
                System.out.println("the hub's SSH client negotiates: " + hubNegotiated);
                String cipher = switch (options.baselineCipher) {
                    case "hub" -> SshProbe.cipherOf(hubNegotiated);
                    case "default" -> null;
                    default -> options.baselineCipher;
                };
                OpenSshBaseline baseline = new OpenSshBaseline(env, Files.createDirectories(out.resolve("baseline")), cipher);
                String negotiated = baseline.negotiated();
                System.out.println("OpenSSH sftp negotiates: " + negotiated);
                HubRun hub = new HubRun(env, out.resolve("runs"), settings);
                for (Scenario scenario : options.scenarios()) {
                    runScenario(scenario, out, baseline, hub, jfc);
                }
                String report = report(started, hubNegotiated, negotiated, settings);
                System.out.println();
                System.out.println(report);
                String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
                Files.writeString(out.resolve("results.md"), report, StandardCharsets.UTF_8);
                Files.writeString(out.resolve("results-" + stamp + ".md"), report, StandardCharsets.UTF_8);
                System.out.println("written: " + out.resolve("results.md"));
                System.out.println(resultLine());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    /**
     * The last line: {@code RESULT up large_ratio=<r> small_ratio=<r>}, each the mean over the
     * scenario's runs of the warm ratio (the hub already running, as it does for months), or of the
     * cold one without a warm phase; NaN for a scenario not run.
     */
    private String resultLine() {
        return String.format(Locale.ROOT, "RESULT up large_ratio=%.3f small_ratio=%.3f", meanRatio("large"),
                meanRatio("small"));
    }

    private double meanRatio(String scenario) {
        return rows.stream().filter(r -> r.scenario().name().equals(scenario))
                .mapToDouble(r -> Double.isNaN(r.warmRatio()) ? r.ratio() : r.warmRatio()).average().orElse(Double.NaN);
    }

    private void runScenario(Scenario scenario, Path out, OpenSshBaseline baseline, HubRun hub, Path jfc) {
        PacketSet set = PacketSet.ensure(out.resolve("staging"), scenario.name(), scenario.count(),
                scenario.targetBytes(), scenario.dayOffset());
        // Same count and size, other packet ids: what the already running hub gets in its warm phase.
        PacketSet warmSet = options.warm ? PacketSet.ensure(out.resolve("staging"), scenario.name() + "-warm",
                scenario.count(), scenario.targetBytes(), scenario.dayOffset() + 10) : null;
        for (int w = 1; w <= options.warmups; w++) {
            // The servers live in this JVM: without a warm-up the first baseline would run on
            // interpreted MINA code and the hub after it on compiled code.
            String label = scenario.name() + "-warmup" + w;
            try {
                OpenSshBaseline.Result b = baseline.run(set, label,
                        System.nanoTime() + TimeUnit.MINUTES.toNanos(options.timeoutMinutes));
                System.out.printf("[%s] untimed server warm-up (OpenSSH sftp get + put): %.2f s%n", label, b.seconds());
            } catch (BenchmarkFailure e) {
                System.err.println(e.getMessage());
                failures.add(e.getMessage());
                return;
            }
        }
        for (int run = 1; run <= options.runs; run++) {
            String label = scenario.name() + "-run" + run;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(options.timeoutMinutes);
            String load = BenchIo.loadAverages();
            try {
                System.out.printf("[%s] baseline: OpenSSH sftp get + put of %s (%.1f MB)%n", label,
                        scenario.describe(), set.totalBytes() / 1e6);
                OpenSshBaseline.Result b = baseline.run(set, label, deadline);
                System.out.printf("[%s] baseline: %.2f s (download %.2f s, upload %.2f s)%n", label, b.seconds(),
                        b.download().seconds(), b.upload().seconds());
                System.out.printf("[%s] hub: java -Xmx%s -jar %s run (device pollInterval %s)%s%n", label,
                        options.xmx, options.jar.getFileName(), options.pollInterval, jfc != null ? ", profiled with JFR" : "");
                Recording servers = jfc != null ? startServerRecording(jfc) : null;
                HubRun.Result h = hub.run(set, warmSet, label, deadline);
                if (servers != null) {
                    servers.stop();
                    Path file = h.runDir().resolve("servers.jfr");
                    try {
                        servers.dump(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write " + file, e);
                    }
                    servers.close();
                    summarize(file, h.runDir().resolve("servers-jfr-summary.txt"), "SFTP servers (driver JVM)", 0);
                    if (h.warm() != null) {
                        summarize(file, h.runDir().resolve("servers-jfr-summary-warm.txt"),
                                "SFTP servers (driver JVM), warm phase only", h.warmStartEpochMillis());
                    }
                }
                if (h.jfr() != null) {
                    summarize(h.jfr(), h.runDir().resolve("hub-jfr-summary.txt"), "hub, whole run", 0);
                    if (h.warm() != null) {
                        summarize(h.jfr(), h.runDir().resolve("hub-jfr-summary-warm.txt"), "hub, warm phase only",
                                h.warmStartEpochMillis());
                    }
                }
                Row row = new Row(scenario, run, set.totalBytes(), set.packets().size(), b, h, load);
                rows.add(row);
                System.out.printf("[%s] hub: %.2f s from process start (ratio %.2f)%s; peak heap %.0f MiB%n", label,
                        h.cold().seconds(), row.ratio(), h.warm() == null ? "" : String.format(Locale.ROOT,
                                ", %.2f s warm (ratio %.2f)", h.warm().seconds(), row.warmRatio()),
                        h.gc().peakUsedMiB());
            } catch (BenchmarkFailure e) {
                System.err.println(e.getMessage());
                failures.add(e.getMessage());
            }
        }
    }

    private static Recording startServerRecording(Path jfc) {
        try {
            Recording recording = new Recording(Configuration.create(jfc));
            recording.setName("bench-servers");
            recording.start();
            return recording;
        } catch (IOException | ParseException e) {
            throw new BenchmarkFailure("cannot start JFR in the driver: " + e.getMessage(), e);
        }
    }

    private static void summarize(Path jfr, Path target, String title, long fromEpochMillis) {
        try (PrintStream ps = new PrintStream(Files.newOutputStream(target), true, StandardCharsets.UTF_8)) {
            JfrSummary.print(jfr, title, Instant.ofEpochMilli(fromEpochMillis), Instant.MAX, 20, List.of(), ps);
            System.out.println("JFR summary: " + target);
        } catch (IOException e) {
            System.err.println("cannot summarize " + jfr + ": " + e.getMessage());
        }
    }

    /**
     * JDK's {@code profile} settings with every fsync recorded (threshold 0) and file I/O, socket
     * I/O, lock and wait events from 1 ms, so short fsyncs and waits on the peer show up.
     */
    private static Path writeProfileSettings(Path out) throws IOException {
        Path source = Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc");
        String jfc = Files.readString(source);
        jfc = jfc.replaceAll("(?s)(<event name=\"jdk.FileForce\">.*?<setting name=\"threshold\"[^>]*>)[^<]*",
                        "$10 ms")
                .replace("control=\"file-threshold\">10 ms", "control=\"file-threshold\">1 ms")
                .replace("control=\"socket-threshold\">10 ms", "control=\"socket-threshold\">1 ms")
                .replace("control=\"locking-threshold\">10 ms", "control=\"locking-threshold\">1 ms")
                // A warm phase lasts seconds: JFR's 10 / 20 ms sampling gave too few samples per thread to rank.
                .replace("control=\"method-sampling-java-interval\">10 ms", "control=\"method-sampling-java-interval\">1 ms")
                .replace("control=\"method-sampling-native-interval\">20 ms", "control=\"method-sampling-native-interval\">5 ms");
        Path target = out.resolve("bench-profile.jfc");
        Files.writeString(target, jfc);
        return target;
    }

    private String report(String started, String hubNegotiated, String negotiated, HubRun.Settings settings) {
        StringBuilder r = new StringBuilder();
        r.append("# UP benchmark results\n\n");
        r.append("- started: ").append(started).append('\n');
        r.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ")
                .append(BenchIo.capture(List.of("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"), 10).trim())
                .append(", ").append(BenchIo.capture(List.of("sh", "-c", "free -g | awk '/Mem:/{print $2\" GiB\"}'"), 10))
                .append('\n');
        r.append("- java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        r.append("- sftp: ").append(BenchIo.capture(List.of("ssh", "-V"), 10)).append('\n');
        r.append("- the hub (its MINA SSHD client) negotiates: ").append(hubNegotiated).append('\n');
        r.append("- OpenSSH sftp (baseline) negotiates: ").append(negotiated).append(" (`--baseline-cipher ")
                .append(options.baselineCipher).append("`)\n");
        r.append("- hub: `").append(settings.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + " ")
                        .collect(java.util.stream.Collectors.joining()))
                .append("java -Xmx").append(settings.xmx()).append(' ').append(String.join(" ", settings.extraJvmOptions()))
                .append(settings.extraJvmOptions().isEmpty() ? "" : " ").append("-jar ").append(settings.jar().getFileName())
                .append(" run`, device pollInterval ").append(settings.devicePollInterval())
                .append(settings.profiled() ? ", **profiled with JFR (figures not comparable)**" : "").append('\n');
        r.append("- source: ").append(gitDescription()).append("\n\n");

        r.append("MB = 10^6 bytes of packet files. Baseline: OpenSSH `sftp` gets all zips in one session, then puts "
                + "all in one session; its time is the sum. Hub, cold: `java -jar ektp-hub.jar run` started with the "
                + "packets waiting in the device outbox, timed from process start until the ministry inbox holds every "
                + "packet (JVM and Camel start-up and JIT warm-up included). Hub, warm: the same hub process right "
                + "after, given as many packets of the same size again (other ids), timed from their appearance in "
                + "the outbox until all are in the inbox: the steady state of a hub that runs for months. "
                + "Ratio = baseline time / hub time (throughput hub/baseline; 1.0 = as fast as OpenSSH). "
                + "Every delivered file was checked (SHA-256) against the device's. Heap: 'peak used' is the "
                + "most the hub's heap held just before any collection (G1 lets garbage pile up to the -Xmx "
                + "limit before collecting, so this is mostly garbage); 'live' is what a full collection after "
                + "each phase left, i.e. what the hub really keeps.\n\n");
        r.append("| scenario | run | MB | baseline s (down + up) | baseline MB/s | baseline pkt/s | hub cold s | "
                + "cold MB/s | cold pkt/s | **ratio cold** | hub warm s | warm MB/s | warm pkt/s | **ratio warm** | "
                + "hub heap MiB: peak used / live |\n");
        r.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            double mb = row.bytes() / 1e6;
            OpenSshBaseline.Result b = row.baseline();
            HubRun.Phase cold = row.hub().cold();
            HubRun.Phase warm = row.hub().warm();
            r.append(String.format(Locale.ROOT,
                    "| %s | %d | %.1f | %.2f (%.2f + %.2f) | %.1f | %.0f | %.2f | %.1f | %.0f | **%.2f** | %s | %s |%n",
                    row.scenario().describe(), row.run(), mb, b.seconds(), b.download().seconds(),
                    b.upload().seconds(), mb / b.seconds(), row.packets() / b.seconds(), cold.seconds(),
                    mb / cold.seconds(), row.packets() / cold.seconds(), row.ratio(),
                    warm == null ? "- | - | - | -" : String.format(Locale.ROOT, "%.2f | %.1f | %.0f | **%.2f**",
                            warm.seconds(), mb / warm.seconds(), row.packets() / warm.seconds(), row.warmRatio()),
                    String.format(Locale.ROOT, "%.0f / %s", row.hub().gc().peakUsedMiB(),
                            row.hub().gc().liveAfterFullGcMiB() < 0 ? "?" : String.format(Locale.ROOT, "%.0f",
                                    row.hub().gc().liveAfterFullGcMiB()))));
        }

        r.append("\nWhere the time went: seconds from the phase's start when the hub logged its first and last "
                + "RECEIVED (on the hub's disk), OUTBOUND (checked) and FORWARDED (in the inbox) packet; CPU seconds "
                + "used during the phase by the hub JVM, by the driver JVM (both SFTP servers) and, for the baseline, "
                + "by sftp + ssh and the servers; the machine's load average (1, 5, 15 min) when the run began "
                + "(anything well above 0 means other work competed for the CPUs).\n\n");
        r.append("| scenario | run | phase | first RECEIVED | first FORWARDED | last RECEIVED | last OUTBOUND | "
                + "last FORWARDED | all in inbox | CPU s hub / servers | baseline CPU s sftp / servers | load before |\n");
        r.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            for (HubRun.Phase phase : new HubRun.Phase[] {row.hub().cold(), row.hub().warm()}) {
                if (phase == null) {
                    continue;
                }
                HubRun.Stages s = phase.stages();
                OpenSshBaseline.Result b = row.baseline();
                r.append(String.format(Locale.ROOT, "| %s | %d | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f / %.1f | %s / %.1f | %s |%n",
                        row.scenario().describe(), row.run(), phase == row.hub().cold() ? "cold" : "warm",
                        s.firstReceived(), s.firstForwarded(), s.lastReceived(), s.lastOutbound(), s.lastForwarded(),
                        phase.seconds(), phase.cpuSeconds(), phase.serverCpuSeconds(),
                        b.cpuSeconds() < 0 ? "?" : String.format(Locale.ROOT, "%.1f", b.cpuSeconds()),
                        b.serverCpuSeconds(), phase == row.hub().cold() ? row.loadBefore() : ""));
            }
        }

        r.append("\nHub CPU seconds by thread during the phase (kernel thread names: Java's first 15 characters, "
                + "digits dropped; every Camel route thread is 'Camel (camel-)', JSch's session reader 'Connect "
                + "thread', the JIT compilers 'C CompilerThre'); GCs over the whole run (the full ones are those of the "
                + "heap histograms taken after each phase, see heap-histogram-*.txt in the run's folder):\n\n");
        for (Row row : rows) {
            for (HubRun.Phase phase : new HubRun.Phase[] {row.hub().cold(), row.hub().warm()}) {
                if (phase == null) {
                    continue;
                }
                StringBuilder line = new StringBuilder();
                for (var e : phase.threadCpu()) {
                    if (e.getValue() < 0.05) {
                        continue;
                    }
                    line.append(line.length() == 0 ? "" : ", ")
                            .append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()));
                }
                r.append("- ").append(row.scenario().describe()).append(" run ").append(row.run())
                        .append(phase == row.hub().cold() ? " cold: " : " warm: ").append(line).append('\n');
            }
            GcLog gc = row.hub().gc();
            r.append(String.format(Locale.ROOT, "- %s run %d: %d GCs (%d full), %.0f ms paused in all, heap committed "
                            + "at most %.0f MiB, at most %.0f MiB left after a young collection%n",
                    row.scenario().describe(), row.run(), gc.collections(), gc.fullCollections(), gc.pauseMillis(),
                    gc.peakCommittedMiB(), gc.peakAfterGcMiB()));
        }

        r.append("\n## Against the targets\n\n");
        for (Scenario scenario : options.scenarios()) {
            List<Row> of = rows.stream().filter(x -> x.scenario().equals(scenario)).toList();
            if (of.isEmpty()) {
                continue;
            }
            double mean = of.stream().mapToDouble(Row::ratio).average().orElse(0);
            double min = of.stream().mapToDouble(Row::ratio).min().orElse(0);
            double warmMean = of.stream().mapToDouble(Row::warmRatio).average().orElse(Double.NaN);
            double warmMin = of.stream().mapToDouble(Row::warmRatio).min().orElse(Double.NaN);
            double heap = of.stream().mapToDouble(x -> x.hub().gc().peakUsedMiB()).max().orElse(0);
            double live = of.stream().mapToDouble(x -> x.hub().gc().liveAfterFullGcMiB()).max().orElse(-1);
            boolean large = scenario.name().equals("large");
            r.append(String.format(Locale.ROOT, "- %s: ratio cold mean %.2f (worst %.2f)%s, warm mean %.2f (worst %.2f)%s; "
                            + "peak heap %.0f MiB used, %.0f MiB live, under -Xmx%s%n", scenario.describe(), mean, min,
                    large ? (min >= 0.8 ? " — target ≥ 0.8 met" : " — target ≥ 0.8 NOT met") : "",
                    warmMean, warmMin, large && !Double.isNaN(warmMin)
                            ? (warmMin >= 0.8 ? " — target met" : " — target NOT met") : "",
                    heap, live, options.xmx));
        }
        double heap = rows.stream().mapToDouble(x -> x.hub().gc().peakUsedMiB()).max().orElse(0);
        r.append(String.format(Locale.ROOT, "- heap target (< 256 MiB): %s (highest peak %.0f MiB used, -Xmx%s)%n",
                heap > 0 && heap < 256 ? "met" : "NOT met", heap, options.xmx));
        if (!failures.isEmpty()) {
            r.append("\n## Failed runs\n\n");
            failures.forEach(f -> r.append("- ").append(f.replace('\n', ' ')).append('\n'));
        }
        return r.toString();
    }

    private static String gitDescription() {
        String rev = BenchIo.capture(List.of("git", "rev-parse", "--short", "HEAD"), 10);
        if (rev.isEmpty() || rev.contains("fatal")) {
            return "(not a git checkout)";
        }
        String dirty = BenchIo.capture(List.of("git", "status", "--porcelain", "--untracked-files=no"), 10);
        return rev + (dirty.isBlank() ? "" : " with local changes");
    }

    /** Command-line options. */
    static final class Options {
        static final String USAGE = """
                usage: UpBenchmark [--large N] [--small N] [--runs R] [--warmups W] [--out DIR] [--jar FILE] [--xmx SIZE]
                                   [--poll-interval DURATION] [--timeout-minutes M] [--profile] [--no-warm]
                                   [--hub-jvm-option OPT]... [--hub-env NAME=VALUE]... [--baseline-cipher hub|default|NAME]
                                   [--large-bytes B] [--small-bytes B]
                  --large N            packets of 2 MiB (default 500; 0 skips the scenario)
                  --small N            packets of 8 KiB (default 5000; 0 skips the scenario)
                  --runs R             baseline + hub pairs per scenario (default 2)
                  --warmups W          untimed OpenSSH passes per scenario first, to warm up the servers' JIT (default 1)
                  --out DIR            work and result folder (default bench/out)
                  --jar FILE           the hub jar to run (default app/target/ektp-hub.jar)
                  --xmx SIZE           the hub's -Xmx (default 256m)
                  --poll-interval D    the device's pollInterval in the hub config (default 200ms)
                  --timeout-minutes M  give up a scenario run after M minutes (default 15)
                  --no-warm            skip the hub's warm phase (second packet set in the same hub process)
                  --profile            record the hub (and the servers) with JFR and summarize where time goes
                  --hub-jvm-option OPT extra JVM option for the hub process (repeatable)
                  --hub-env NAME=VALUE environment variable for the hub process only (repeatable; see bench/nofsync.c)
                  --baseline-cipher C  cipher for OpenSSH: 'hub' (default) the one the hub's SSH client negotiates,
                                       'default' OpenSSH's own choice, or a cipher name (sftp -c)""";

        int large = 500;
        int small = 5000;
        long largeBytes = 2 * MIB;
        long smallBytes = 8 * 1024;
        int runs = 2;
        int warmups = 1;
        boolean warm = true;
        Path out = Path.of("bench/out");
        Path jar = Path.of("app/target/ektp-hub.jar").toAbsolutePath();
        String xmx = "256m";
        String pollInterval = "200ms";
        long timeoutMinutes = 15;
        String baselineCipher = "hub";
        boolean profile;
        boolean help;
        List<String> hubJvmOptions = new ArrayList<>();
        java.util.Map<String, String> hubEnvironment = new java.util.LinkedHashMap<>();

        List<Scenario> scenarios() {
            List<Scenario> list = new ArrayList<>();
            if (large > 0) {
                list.add(new Scenario("large", large, largeBytes, 0));
            }
            if (small > 0) {
                list.add(new Scenario("small", small, smallBytes, 1));
            }
            return list;
        }

        static Options parse(String[] args) throws ParseException {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--profile" -> o.profile = true;
                    case "--no-warm" -> o.warm = false;
                    default -> {
                        if (i + 1 >= args.length) {
                            throw new ParseException("missing value for " + a, i);
                        }
                        String v = args[++i];
                        try {
                            switch (a) {
                                case "--large" -> o.large = Integer.parseInt(v);
                                case "--small" -> o.small = Integer.parseInt(v);
                                case "--large-bytes" -> o.largeBytes = Long.parseLong(v);
                                case "--small-bytes" -> o.smallBytes = Long.parseLong(v);
                                case "--runs" -> o.runs = Integer.parseInt(v);
                                case "--warmups" -> o.warmups = Integer.parseInt(v);
                                case "--out" -> o.out = Path.of(v);
                                case "--jar" -> o.jar = Path.of(v).toAbsolutePath();
                                case "--xmx" -> o.xmx = v;
                                case "--poll-interval" -> o.pollInterval = v;
                                case "--timeout-minutes" -> o.timeoutMinutes = Long.parseLong(v);
                                case "--hub-jvm-option" -> o.hubJvmOptions.add(v);
                                case "--baseline-cipher" -> o.baselineCipher = v;
                                case "--hub-env" -> {
                                    int eq = v.indexOf('=');
                                    if (eq < 1) {
                                        throw new ParseException("--hub-env needs NAME=VALUE, not '" + v + "'", i);
                                    }
                                    o.hubEnvironment.put(v.substring(0, eq), v.substring(eq + 1));
                                }
                                default -> throw new ParseException("unknown option " + a, i);
                            }
                        } catch (NumberFormatException e) {
                            throw new ParseException(a + " needs a number, not '" + v + "'", i);
                        }
                    }
                }
            }
            if (o.large < 0 || o.small < 0 || o.runs < 1 || o.warmups < 0 || o.timeoutMinutes < 1 || o.large > 999_999 || o.small > 999_999) {
                throw new ParseException("counts must be 0-999999, runs and timeout at least 1", 0);
            }
            if (!o.help && (o.jar == null || !Files.isRegularFile(o.jar))) {
                throw new ParseException("no hub jar " + o.jar + ": build it (mvn -q -DskipTests package) or pass --jar", 0);
            }
            return o;
        }
    }
}
