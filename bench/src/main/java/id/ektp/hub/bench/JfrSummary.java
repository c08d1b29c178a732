package id.ektp.hub.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the time went in a JFR recording (of the hub, or of the driver's SFTP servers), as plain text, over a
 * window of it: CPU samples ({@code jdk.ExecutionSample}) by thread, by package and method of the top frame and by
 * application method anywhere on the stack; native samples ({@code jdk.NativeMethodSample}: threads in fsync,
 * SQLite, socket reads) of the busiest threads by what they were in, threads idling for work left out; for given
 * methods, what their samples were spent calling; and the I/O, lock and GC events: every fsync by caller and
 * thread, socket read, {@code Object.wait} and park time by thread. JDK 17's {@code jfr} tool has no {@code view
 * hot-methods}; this is its stand-in, the same as aggregating {@code jfr print --events jdk.ExecutionSample} by
 * frame, in one page.
 *
 * <pre>
 * java -cp bench/target/ektp-hub-bench.jar id.ektp.hub.bench.JfrSummary FILE.jfr [--top N]
 *      [--from EPOCH_MILLIS] [--to EPOCH_MILLIS] [--inside PACKAGE.TYPE.METHOD]...
 * </pre>
 */
public final class JfrSummary {
    private static final String USAGE = """
            usage: JfrSummary FILE.jfr [--top N] [--from EPOCH_MILLIS] [--to EPOCH_MILLIS] [--inside METHOD]...
              --top N       entries per list (default 20)
              --from, --to  only events that start in this window (default: the whole recording)
              --inside M    also break the samples inside method M (package.Type.method) down by what it called""";

    /** Native top frames of threads that only wait for work (idle SFTP, JMS and HTTP connections). */
    private static final Set<String> IDLE = Set.of("sun.nio.ch.Net.poll", "sun.nio.ch.EPoll.wait",
            "sun.nio.ch.SocketDispatcher.read0", "sun.nio.ch.Net.accept", "java.net.SocketInputStream.socketRead0",
            "sun.nio.ch.NioSocketImpl.park");

    /** I/O, lock and wait events, whose durations are summed (the recording's thresholds apply). */
    private static final Set<String> TIMED = Set.of("jdk.FileForce", "jdk.SocketRead", "jdk.SocketWrite",
            "jdk.FileRead", "jdk.FileWrite", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait", "jdk.ThreadPark",
            "jdk.ThreadSleep");

    private JfrSummary() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args[0].startsWith("-") || args.length % 2 == 0) {
            System.err.println(USAGE);
            System.exit(64);
        }
        int top = 20;
        Instant from = Instant.MIN;
        Instant to = Instant.MAX;
        List<String> inside = new ArrayList<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--top" -> top = Integer.parseInt(args[i + 1]);
                case "--from" -> from = Instant.ofEpochMilli(Long.parseLong(args[i + 1]));
                case "--to" -> to = Instant.ofEpochMilli(Long.parseLong(args[i + 1]));
                case "--inside" -> inside.add(args[i + 1]);
                default -> {
                    System.err.println("JfrSummary: unknown option " + args[i] + "\n" + USAGE);
                    System.exit(64);
                }
            }
        }
        print(Path.of(args[0]), "the recording", from, to, top, inside, System.out);
    }

    /** Summarizes the events of {@code file} that start between {@code from} and {@code to}. */
    static void print(Path file, String title, Instant from, Instant to, int top, List<String> inside, PrintStream out)
            throws IOException {
        Tally cpuThreads = new Tally();
        Tally cpuPackages = new Tally();
        Tally cpuSelf = new Tally();
        Tally cpuInclusive = new Tally();
        Map<String, Tally> cpuSelfByThread = new HashMap<>();
        Tally nativeThreads = new Tally();
        Map<String, Tally> nativeByThread = new HashMap<>();
        long nativeIdle = 0;
        Map<String, Tally> calledFrom = new HashMap<>();
        inside.forEach(m -> calledFrom.put(m, new Tally()));
        Tally events = new Tally();
        Tally forceByCaller = new Tally();
        Tally forceByThread = new Tally();
        Tally socketReadByThread = new Tally();
        Tally waitByThread = new Tally();
        Map<String, Tally> waitByThreadAndCaller = new HashMap<>();
        Tally parkByThread = new Tally();
        Instant first = Instant.MAX;
        Instant last = Instant.MIN;

        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                if (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
                    continue;
                }
                first = first.isBefore(e.getStartTime()) ? first : e.getStartTime();
                last = last.isAfter(e.getEndTime()) ? last : e.getEndTime();
                String type = e.getEventType().getName();
                List<RecordedFrame> frames = JfrFrames.of(e.getStackTrace());
                if (type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample")) {
                    if (frames.isEmpty()) {
                        continue;
                    }
                    boolean cpu = type.equals("jdk.ExecutionSample");
                    String thread = JfrFrames.threadName(e.getThread("sampledThread"));
                    String topFrame = JfrFrames.method(frames.get(0));
                    if (cpu) {
                        cpuThreads.add(thread);
                        cpuPackages.add(packageOf(topFrame));
                        cpuSelf.add(topFrame);
                        cpuSelfByThread.computeIfAbsent(thread, k -> new Tally()).add(topFrame);
                        Set<String> once = new HashSet<>();
                        for (RecordedFrame f : frames) {
                            String m = JfrFrames.method(f);
                            if (JfrFrames.isApplication(f) && once.add(m)) {
                                cpuInclusive.add(m);
                            }
                        }
                    } else if (IDLE.contains(topFrame)) {
                        nativeIdle++;
                    } else {
                        nativeThreads.add(thread);
                        nativeByThread.computeIfAbsent(thread, k -> new Tally())
                                .add(topFrame + "  <-  " + JfrFrames.firstHub(frames));
                    }
                    for (int i = 1; i < frames.size(); i++) {
                        Tally callees = calledFrom.get(JfrFrames.method(frames.get(i)));
                        if (callees != null) {
                            callees.add((cpu ? "cpu    " : "native ") + JfrFrames.method(frames.get(i - 1)));
                        }
                    }
                } else if (type.equals("jdk.GarbageCollection")) {
                    events.add("GC pauses (jdk.GarbageCollection)", e.getDuration("sumOfPauses").toNanos());
                } else if (TIMED.contains(type)) {
                    long nanos = e.getDuration().toNanos();
                    String thread = JfrFrames.threadName(e.getThread());
                    events.add(type, nanos);
                    switch (type) {
                        case "jdk.FileForce" -> {
                            forceByCaller.add(JfrFrames.firstHub(frames), nanos);
                            forceByThread.add(thread, nanos);
                        }
                        case "jdk.SocketRead" -> socketReadByThread.add(thread, nanos);
                        case "jdk.JavaMonitorWait" -> {
                            waitByThread.add(thread, nanos);
                            waitByThreadAndCaller.computeIfAbsent(thread, k -> new Tally())
                                    .add(JfrFrames.firstApplication(frames), nanos);
                        }
                        case "jdk.ThreadPark" -> parkByThread.add(thread, nanos);
                        default -> { }
                    }
                }
            }
        }

        out.printf(Locale.ROOT, "JFR summary of %s (%s)%n", title, file);
        out.printf(Locale.ROOT, "window %s .. %s; events span %.1f s; %d CPU samples (jdk.ExecutionSample: threads "
                        + "running Java code), %d native samples of working threads (%d more of threads idling for "
                        + "work left out)%n%n", windowEnd(from, "start", "--from"), windowEnd(to, "end", "--to"),
                first.isBefore(last) ? (last.toEpochMilli() - first.toEpochMilli()) / 1000.0 : 0, cpuThreads.count(),
                nativeThreads.count(), nativeIdle);

        counts(out, "CPU samples by thread", cpuThreads, top);
        counts(out, "CPU samples by package of the top frame", cpuPackages, top);
        counts(out, "hottest methods (self)", cpuSelf, top);
        counts(out, "application methods, inclusive (share of all CPU samples with the method on the stack)",
                cpuInclusive, top * 2, cpuThreads.count());
        for (Tally.Entry thread : cpuThreads.topByCount(4)) {
            counts(out, "hottest methods of thread '" + thread.key() + "'", cpuSelfByThread.get(thread.key()), 10);
        }
        counts(out, "native samples of working threads, by thread", nativeThreads, top);
        for (Tally.Entry thread : nativeThreads.topByCount(4)) {
            counts(out, "in native code, thread '" + thread.key() + "': native method  <-  hub caller",
                    nativeByThread.get(thread.key()), 8);
        }
        for (String method : inside) {
            counts(out, "samples inside " + method + " by the method it called", calledFrom.get(method), top);
        }
        out.println("I/O, lock, wait and GC events (the recording's thresholds apply):");
        for (Tally.Entry event : events.topByNanos(20)) {
            out.printf(Locale.ROOT, "  %-36s %8d events %10.2f s%n", event.key(), event.count(), event.nanos() / 1e9);
        }
        out.println();
        out.println("fsync (jdk.FileForce) by hub caller:");
        for (Tally.Entry caller : forceByCaller.topByNanos(top)) {
            out.printf(Locale.ROOT, "  %7d  %8.2f s  %6.2f ms each  %s%n", caller.count(), caller.nanos() / 1e9,
                    caller.nanos() / 1e6 / caller.count(), caller.key());
        }
        out.println(forceByCaller.count() == 0 ? "  (none)\n" : "");
        seconds(out, "fsync (jdk.FileForce) seconds by thread", forceByThread, 8);
        seconds(out, "socket read wait seconds by thread", socketReadByThread, 8);
        seconds(out, "Object.wait seconds by thread (e.g. a reader waiting for JSch's session thread)", waitByThread, 8);
        for (Tally.Entry thread : waitByThread.topByNanos(3)) {
            seconds(out, "Object.wait seconds of '" + thread.key() + "' by caller",
                    waitByThreadAndCaller.get(thread.key()), 5);
        }
        seconds(out, "park (waiting) seconds by thread", parkByThread, 8);
    }

    private static void counts(PrintStream out, String heading, Tally tally, int n) {
        counts(out, heading, tally, n, tally.count());
    }

    /** The top entries by count, each with its share of {@code total}. */
    private static void counts(PrintStream out, String heading, Tally tally, int n, long total) {
        out.println(heading + ":");
        for (Tally.Entry e : tally.topByCount(n)) {
            out.printf(Locale.ROOT, "  %5.1f%%  %7d  %s%n", 100.0 * e.count() / Math.max(1, total), e.count(), e.key());
        }
        out.println(tally.count() == 0 ? "  (none)\n" : "");
    }

    /** The top entries by summed duration, each with its share of the tally's total. */
    private static void seconds(PrintStream out, String heading, Tally tally, int n) {
        out.println(heading + ":");
        for (Tally.Entry e : tally.topByNanos(n)) {
            out.printf(Locale.ROOT, "  %5.1f%%  %8.2f s  %s%n", 100.0 * e.nanos() / Math.max(1, tally.nanos()),
                    e.nanos() / 1e9, e.key());
        }
        out.println(tally.count() == 0 ? "  (none)\n" : "");
    }

    /** One end of the window as a time and as the option that gives it again, or {@code open} if it has none. */
    private static String windowEnd(Instant at, String open, String option) {
        return at.equals(Instant.MIN) || at.equals(Instant.MAX) ? open : at + " (" + option + " " + at.toEpochMilli() + ")";
    }

    /** The first three parts of a method's package ({@code org.apache.camel}), or all of it if shorter. */
    private static String packageOf(String method) {
        String type = method.substring(0, method.lastIndexOf('.'));
        String[] parts = type.split("\\.");
        return parts.length <= 3 ? type.substring(0, Math.max(0, type.lastIndexOf('.')))
                : parts[0] + "." + parts[1] + "." + parts[2];
    }
}
