package id.ektp.hub.bench;

import id.ektp.hub.bench.OutboxPayloads.Payload;
import id.ektp.hub.bench.OutboxQueueCheck.Verdict;
import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jdk.jfr.Recording;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * ACROSS benchmark: messages per second the hub forwards from its outbox to the ministry broker (persistent,
 * 1 KiB JSON), against the same broker's own producer throughput measured in the same run. See
 * {@code docs/benchmark.md} ("Outbox → ministry broker") and {@code bench/outbox-benchmark.sh}.
 *
 * <p>Per run, on a fresh embedded ministry broker (KahaDB, journal fsync'd before every acknowledgement):
 * <ol>
 *   <li><b>baseline</b>: one plain JMS connection, session and producer, synchronous persistent sends (the hub's
 *       send semantics: {@code useAsyncSend=false}, {@code alwaysSyncSend=true}), N text messages with the three
 *       ICD §3 properties;</li>
 *   <li><b>hub</b>: N rows raised into a hub's outbox through {@code HubStore}/{@code Outbox} before the hub starts
 *       (timed: the raise rate), then the real hub started in this JVM ({@code Hub.create(ConfigLoader.load(..))})
 *       and timed until the broker holds all N.</li>
 * </ol>
 * Every phase is checked by consuming the queue: all N, each once, in raise order, as raised. Loopback only.
 */
public final class OutboxBenchmark {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx");

    record Options(int messages, Path out, int runs, Path tmpfs, boolean profile, Duration timeout) {}

    record HubFigures(double raiseRate, double startToAll, double firstToLast, double startupSeconds, Verdict verdict) {}

    /**
     * {@code baseline} is the mean of the baseline measured first and again last in the run (the machine may be
     * shared: the bracket shows drift). {@code load} is the 1-minute load average at the start and end of the run.
     */
    record RunFigures(String medium, int run, int messages, double baselineBefore, double baselineAfter,
                      double tx100Before, double tx100After, Verdict baselineVerdict, HubFigures hub, String load) {
        double baseline() {
            return (baselineBefore + baselineAfter) / 2;
        }

        double tx100() {
            return (tx100Before + tx100After) / 2;
        }
    }

    /** The broker's own transacted producer commits this many messages at a time (the "tx100"). */
    static final int TX_CHUNK = 100;

    private final Options options;
    private final OutboxDeadline deadline;
    private final List<RunFigures> runs = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private HubFigures profiled;
    private String profile;

    private OutboxBenchmark(Options options) {
        this.options = options;
        this.deadline = new OutboxDeadline(options.timeout());
    }

    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        if (options == null) {
            return;
        }
        int exit = new OutboxBenchmark(options).run();
        System.exit(exit);
    }

    private static Options parse(String[] args) {
        int messages = 5_000;
        Path out = Path.of("bench/out/outbox");
        int runs = 2;
        Path shm = Path.of("/dev/shm");
        Path tmpfs = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : null;
        boolean profile = true;
        Duration timeout = Duration.ofMinutes(15);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--tmpfs" -> tmpfs = Path.of(args[++i]);
                case "--no-tmpfs" -> tmpfs = null;
                case "--no-profile" -> profile = false;
                case "--timeout-minutes" -> timeout = Duration.ofMinutes(Long.parseLong(args[++i]));
                case "--help", "-h" -> {
                    System.out.println("""
                            usage: OutboxBenchmark [--messages N] [--runs R] [--out DIR]
                                                   [--tmpfs DIR | --no-tmpfs] [--no-profile] [--timeout-minutes M]
                              --messages N       messages per phase (default 5000), 1 KiB JSON each
                              --runs R           runs per medium (default 2)
                              --tmpfs DIR        also run with broker and hub data on this tmpfs (default /dev/shm)
                              --no-profile       no JFR-profiled hub phase at the end
                              --timeout-minutes  give up after this long (default 15)""");
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--help lists them)");
            }
        }
        if (messages < 1 || runs < 1) {
            throw new IllegalArgumentException("--messages and --runs must be positive");
        }
        return new Options(messages, out.toAbsolutePath(), runs, tmpfs, profile, timeout);
    }

    private int run() throws Exception {
        Files.createDirectories(options.out());
        Path envDir = options.out().resolve("env");
        BenchIo.deleteTree(envDir);
        List<String[]> media = new ArrayList<>();
        media.add(new String[] {"disk", options.out().resolve("data").toString()});
        if (options.tmpfs() != null) {
            media.add(new String[] {"tmpfs", options.tmpfs().resolve("ektp-outbox-bench-" + ProcessHandle.current().pid()).toString()});
        }
        boolean verified = true;
        int exit = 0;
        System.out.printf("outbox benchmark: %d messages of %d bytes per phase, %d run(s) per medium, media %s%n",
                options.messages(), OutboxPayloads.BODY_BYTES, options.runs(),
                media.stream().map(m -> m[0] + " (" + m[1] + ")").toList());
        try (OutboxBenchSetup setup = new OutboxBenchSetup(Files.createDirectories(envDir))) {
            try {
                warmUp(setup, Path.of(media.get(0)[1]).resolve("warmup"));
                for (String[] medium : media) {
                    for (int run = 1; run <= options.runs(); run++) {
                        RunFigures figures = runOnce(setup, medium[0], Path.of(medium[1]).resolve("run-" + run), run);
                        runs.add(figures);
                        verified &= figures.baselineVerdict().ok() && figures.hub().verdict().ok();
                    }
                }
                if (options.profile()) {
                    profileHub(setup, Path.of(media.get(0)[1]).resolve("profile"));
                    verified &= profiled.verdict().ok();
                }
            } catch (OutboxDeadline.Exceeded e) {
                notes.add("**Incomplete:** " + e.getMessage() + "; figures above are what finished.");
                System.out.println("outbox benchmark: " + e.getMessage());
                exit = 3;
            } finally {
                for (String[] medium : media) {
                    BenchIo.deleteTree(Path.of(medium[1]));
                }
            }
        }
        if (!verified) {
            notes.add("**Verification failed** for at least one phase: see the Check column.");
            exit = Math.max(exit, 1);
        }
        String report = report();
        System.out.println();
        System.out.println(report);
        Files.writeString(options.out().resolve("results.md"), report);
        System.out.println("outbox benchmark: results in " + options.out().resolve("results.md")
                + " (took " + deadline.elapsed().toSeconds() + " s)");
        System.out.println(resultLine());
        return exit;
    }

    /**
     * Not measured: a short baseline and a short hub relay, so that neither contestant's first measured phase
     * pays for class loading and JIT compilation.
     */
    private void warmUp(OutboxBenchSetup setup, Path dir) throws Exception {
        BenchIo.deleteTree(dir);
        EmbeddedBroker broker = EmbeddedBroker.builder().dataDir(dir.resolve("broker")).port(0).name("ministry").start();
        try {
            int n = Math.min(options.messages(), 3000);
            List<Payload> payloads = OutboxPayloads.generate(n, 7);
            baseline(broker, payloads);
            OutboxQueueCheck.drainAndVerify(broker.url(), OutboxPayloads.QUEUE, payloads, deadline);
            hubPhase(setup, broker, dir.resolve("hub"), "hub-warmup", OutboxPayloads.generate(n, 8), "warm-up", null);
        } finally {
            broker.close();
            BenchIo.deleteTree(dir);
        }
    }

    private RunFigures runOnce(OutboxBenchSetup setup, String medium, Path dir, int run) throws Exception {
        BenchIo.deleteTree(dir);
        int n = options.messages();
        String label = medium + " run " + run;
        double loadBefore = BenchIo.loadAverage();
        EmbeddedBroker broker = EmbeddedBroker.builder().dataDir(dir.resolve("broker")).port(0).name("ministry").start();
        try {
            List<Payload> payloads = OutboxPayloads.generate(n, 1000L * run + medium.hashCode());
            System.out.printf("[%s] baseline: %d synchronous persistent sends...%n", label, n);
            double baseline = baseline(broker, payloads);
            Verdict baselineVerdict = OutboxQueueCheck.drainAndVerify(broker.url(), OutboxPayloads.QUEUE, payloads, deadline);
            System.out.printf("[%s] baseline: %.0f msg/s; %s%n", label, baseline, baselineVerdict.describe());

            List<Payload> txPayloads = OutboxPayloads.generate(n, 3000L * run + medium.hashCode());
            double tx100 = transacted(broker, txPayloads);
            Verdict txVerdict = OutboxQueueCheck.drainAndVerify(broker.url(), OutboxPayloads.QUEUE, txPayloads, deadline);
            System.out.printf("[%s] broker's producer, transactions of %d: %.0f msg/s; %s%n", label, TX_CHUNK, tx100,
                    txVerdict.describe());

            HubFigures hub = hubPhase(setup, broker, dir.resolve("hub"), "hub-" + medium + "-" + run,
                    OutboxPayloads.generate(n, 2000L * run + medium.hashCode()), label, null);

            List<Payload> txAgain = OutboxPayloads.generate(n, 5000L * run + medium.hashCode());
            double tx100After = transacted(broker, txAgain);
            Verdict txAfterVerdict = OutboxQueueCheck.drainAndVerify(broker.url(), OutboxPayloads.QUEUE, txAgain, deadline);
            List<Payload> again = OutboxPayloads.generate(n, 4000L * run + medium.hashCode());
            double baselineAfter = baseline(broker, again);
            Verdict afterVerdict = OutboxQueueCheck.drainAndVerify(broker.url(), OutboxPayloads.QUEUE, again, deadline);
            System.out.printf("[%s] again at the end of the run: transactions of %d %.0f msg/s (%s), synchronous %.0f msg/s; %s%n",
                    label, TX_CHUNK, tx100After, txAfterVerdict.describe(), baselineAfter, afterVerdict.describe());
            for (Verdict verdict : List.of(txVerdict, txAfterVerdict, afterVerdict)) {
                if (!verdict.ok()) {
                    baselineVerdict = verdict;
                }
            }
            return new RunFigures(medium, run, n, baseline, baselineAfter, tx100, tx100After, baselineVerdict, hub,
                    String.format(Locale.ROOT, "%.2f→%.2f", loadBefore, BenchIo.loadAverage()));
        } finally {
            broker.close();
            BenchIo.deleteTree(dir);
        }
    }

    /** The broker's own producer: one connection, one session, one producer; returns msg/s. */
    private double baseline(EmbeddedBroker broker, List<Payload> payloads) throws Exception {
        try (Connection connection = OutboxQueueCheck.factory(broker.url()).createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer producer = session.createProducer(session.createQueue(OutboxPayloads.QUEUE))) {
            connection.start();
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            long start = System.nanoTime();
            for (int i = 0; i < payloads.size(); i++) {
                Payload payload = payloads.get(i);
                TextMessage message = session.createTextMessage(payload.body());
                message.setStringProperty("EktpMessageId", payload.id());
                message.setStringProperty("EktpType", OutboxPayloads.TYPE);
                message.setStringProperty("EktpRegency", OutboxPayloads.REGENCY);
                producer.send(message);
                if (i % 1000 == 999) {
                    deadline.check("sending the baseline (" + (i + 1) + " sent)");
                }
            }
            return payloads.size() / BenchIo.seconds(System.nanoTime() - start);
        }
    }

    /**
     * The broker's own producer at its best for persistent messages: one transacted session, sends one-way
     * inside the transaction, a synchronous commit every {@value #TX_CHUNK}; returns msg/s.
     */
    private double transacted(EmbeddedBroker broker, List<Payload> payloads) throws Exception {
        ActiveMQConnectionFactory factory = OutboxQueueCheck.factory(broker.url());
        factory.setAlwaysSyncSend(false); // else every send in the transaction waits too
        try (Connection connection = factory.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
             MessageProducer producer = session.createProducer(session.createQueue(OutboxPayloads.QUEUE))) {
            connection.start();
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            long start = System.nanoTime();
            for (int i = 0; i < payloads.size(); i++) {
                Payload payload = payloads.get(i);
                TextMessage message = session.createTextMessage(payload.body());
                message.setStringProperty("EktpMessageId", payload.id());
                message.setStringProperty("EktpType", OutboxPayloads.TYPE);
                message.setStringProperty("EktpRegency", OutboxPayloads.REGENCY);
                producer.send(message);
                if (i % TX_CHUNK == TX_CHUNK - 1 || i == payloads.size() - 1) {
                    session.commit();
                }
                if (i % 1000 == 999) {
                    deadline.check("sending in transactions (" + (i + 1) + " sent)");
                }
            }
            return payloads.size() / BenchIo.seconds(System.nanoTime() - start);
        }
    }

    /** Raises N rows into a hub's outbox, starts the hub and times it until the broker holds all N. */
    private HubFigures hubPhase(OutboxBenchSetup setup, EmbeddedBroker broker, Path dataDir, String name,
                                List<Payload> payloads, String label, Path jfr) throws Exception {
        int n = payloads.size();
        System.out.printf("[%s] hub: raising %d outbox rows...%n", label, n);
        double raiseRate = raise(dataDir, payloads);
        Hub hub = Hub.create(ConfigLoader.load(setup.writeConfig(name, dataDir, broker.url())));
        Recording recording = jfr == null ? null : OutboxProfile.start(jfr);
        double startToAll;
        double firstToLast;
        double startup;
        Instant relayFrom;
        Instant relayTo;
        try {
            System.out.printf("[%s] hub: %.0f rows raised/s; starting the hub, relaying...%n", label, raiseRate);
            long start = System.nanoTime();
            hub.start();
            long first = -1;
            relayFrom = null;
            long end;
            while (true) {
                long size = broker.queueSize(OutboxPayloads.QUEUE);
                long now = System.nanoTime();
                if (first < 0 && size > 0) {
                    first = now;
                    relayFrom = Instant.now();
                }
                if (size >= n) {
                    end = now;
                    relayTo = Instant.now();
                    break;
                }
                deadline.check("waiting for the hub's relay (" + size + " of " + n + " on the broker)");
                LockSupport.parkNanos(first < 0 ? 500_000 : 2_000_000);
            }
            startToAll = n / BenchIo.seconds(end - start);
            firstToLast = n > 1 ? (n - 1) / BenchIo.seconds(end - first) : startToAll;
            startup = BenchIo.seconds(first - start);
            while (hub.outbox().backlog().count() > 0) { // the last markSent follows the last acknowledgement
                deadline.check("waiting for the hub's outbox backlog to reach 0");
                LockSupport.parkNanos(1_000_000);
            }
        } finally {
            if (recording != null) {
                recording.stop();
                recording.close();
            }
            hub.close();
        }
        if (jfr != null) {
            profile = OutboxProfile.summarize(jfr, relayFrom, relayTo, n);
        }
        Verdict verdict = OutboxQueueCheck.drainAndVerify(broker.url(), OutboxPayloads.QUEUE, payloads, deadline);
        System.out.printf("[%s] hub: %.0f msg/s from start(), %.0f msg/s first to last (started in %.2f s); %s%n",
                label, startToAll, firstToLast, startup, verdict.describe());
        BenchIo.deleteTree(dataDir);
        return new HubFigures(raiseRate, startToAll, firstToLast, startup, verdict);
    }

    /** Each row in its own transaction, as the hub raises them. Returns rows/s. */
    private double raise(Path dataDir, List<Payload> payloads) throws Exception {
        BenchIo.deleteTree(dataDir);
        try (HubStore store = HubStore.open(dataDir)) {
            Outbox outbox = new Outbox(store, Clock.systemUTC());
            long start = System.nanoTime();
            for (int i = 0; i < payloads.size(); i++) {
                Payload payload = payloads.get(i);
                outbox.raise(payload.id(), OutboxPayloads.QUEUE, OutboxPayloads.TYPE, payload.body());
                if (i % 1000 == 999) {
                    deadline.check("raising outbox rows (" + (i + 1) + " raised)");
                }
            }
            return payloads.size() / BenchIo.seconds(System.nanoTime() - start);
        }
    }

    /** One more hub phase on disk with a JFR recording; not part of the table. */
    private void profileHub(OutboxBenchSetup setup, Path dir) throws Exception {
        BenchIo.deleteTree(dir);
        EmbeddedBroker broker = EmbeddedBroker.builder().dataDir(dir.resolve("broker")).port(0).name("ministry").start();
        try {
            Path jfr = options.out().resolve("hub-relay.jfr");
            profiled = hubPhase(setup, broker, dir.resolve("hub"), "hub-profile",
                    OutboxPayloads.generate(options.messages(), 99), "profile", jfr);
            Files.writeString(options.out().resolve("hub-relay-profile.txt"), profile);
            System.out.println(profile);
        } finally {
            broker.close();
            BenchIo.deleteTree(dir);
        }
    }

    private String report() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Machine: %d CPUs, Java %s (%s), %s %s; disk: %s; date %s.%n%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.version"),
                fileStore(options.out()), ZonedDateTime.now().format(DATE)));
        md.append(String.format(Locale.ROOT,
                "%d messages of %d bytes per phase, queue %s, persistent; broker KahaDB journal fsync'd before each "
                        + "acknowledgement; hub store SQLite WAL synchronous=FULL.%n%n",
                options.messages(), OutboxPayloads.BODY_BYTES, OutboxPayloads.QUEUE));
        md.append("| medium | run | N | sync baseline msg/s (first / last phase of the run) | tx100 msg/s (first / last) "
                + "| hub msg/s (start()→all) | hub msg/s (first→last) | ratio hub / sync | **ratio hub / tx100** "
                + "| raise rows/s | hub start s | load avg | check |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunFigures r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f / %.0f | %.0f / %.0f | %.0f | %.0f | %.2f | **%.2f** | %.0f | %.2f | %s | %s |%n",
                    mediumLabel(r.medium()), r.run(), r.messages(), r.baselineBefore(), r.baselineAfter(),
                    r.tx100Before(), r.tx100After(), r.hub().startToAll(),
                    r.hub().firstToLast(), r.hub().firstToLast() / r.baseline(), r.hub().firstToLast() / r.tx100(),
                    r.hub().raiseRate(),
                    r.hub().startupSeconds(), r.load(), r.baselineVerdict().ok() && r.hub().verdict().ok() ? "ok"
                            : "FAILED: " + r.baselineVerdict().describe() + " / " + r.hub().verdict().describe()));
        }
        if (profiled != null) {
            md.append(String.format(Locale.ROOT, "%nJFR-profiled hub phase (disk, not in the table; JFR on): "
                            + "%.0f msg/s first→last; %s%n%n```%n%s```%n",
                    profiled.firstToLast(), profiled.verdict().describe(), profile));
        }
        for (String note : notes) {
            md.append('\n').append(note).append('\n');
        }
        return md.toString();
    }

    /**
     * The last line: the means over the disk runs of the hub (first message to last), the broker's own
     * synchronous producer and its transacted-100 producer, and hub / tx100.
     */
    private String resultLine() {
        List<RunFigures> disk = runs.stream().filter(r -> r.medium().equals("disk")).toList();
        if (disk.isEmpty()) {
            return "RESULT outbox hub=NaN sync=NaN tx100=NaN ratio_tx100=NaN";
        }
        double hub = disk.stream().mapToDouble(r -> r.hub().firstToLast()).average().orElseThrow();
        double sync = disk.stream().mapToDouble(RunFigures::baseline).average().orElseThrow();
        double tx100 = disk.stream().mapToDouble(RunFigures::tx100).average().orElseThrow();
        return String.format(Locale.ROOT, "RESULT outbox hub=%.0f sync=%.0f tx100=%.0f ratio_tx100=%.2f",
                hub, sync, tx100, hub / tx100);
    }

    private String mediumLabel(String medium) {
        return medium.equals("tmpfs") ? "tmpfs (" + options.tmpfs() + ", broker and hub store: no fsync cost)" : "disk";
    }

    private static String fileStore(Path path) {
        try {
            FileStore store = Files.getFileStore(path);
            return store.type() + " (" + store.name() + ")";
        } catch (IOException e) {
            return "?";
        }
    }
}
