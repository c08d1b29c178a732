package id.ektp.hub.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the time went in a JFR recording, as plain text: CPU samples by thread, by hottest
 * method (self) and by application method (inclusive), what threads sat in native code on
 * (socket reads, fsync, SQLite), and the totals of fsync, socket, file, lock and GC events.
 * JDK 17's {@code jfr} tool has no {@code view hot-methods}; this is its stand-in.
 *
 * <pre>java -cp ektp-hub.jar id.ektp.hub.bench.JfrSummary FILE.jfr [TOP]</pre>
 */
public final class JfrSummary {
    /** Packages whose frames count as "ours or our libraries" for the inclusive view. */
    private static final List<String> APPLICATION = List.of("id.ektp.", "com.jcraft.", "org.apache.camel.",
            "org.sqlite.", "org.apache.sshd.", "org.apache.logging.");

    private JfrSummary() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrSummary FILE.jfr [TOP]");
            System.exit(64);
        }
        print(Path.of(args[0]), args[0], args.length > 1 ? Integer.parseInt(args[1]) : 20, 0, System.out);
    }

    private static final class Counter<K> {
        final Map<K, Long> counts = new HashMap<>();
        long total;

        void add(K key, long n) {
            counts.merge(key, n, Long::sum);
            total += n;
        }

        List<Map.Entry<K, Long>> top(int n) {
            return counts.entrySet().stream().sorted(Map.Entry.<K, Long>comparingByValue().reversed()).limit(n).toList();
        }
    }

    /** Summarizes the events of {@code file} that start at or after {@code fromEpochMillis} (0: all). */
    static void print(Path file, String title, int top, long fromEpochMillis, PrintStream out) throws IOException {
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Counter<String> cpuThreads = new Counter<>();
        Counter<String> nativeThreads = new Counter<>();
        Counter<String> self = new Counter<>();
        Counter<String> selfPackage = new Counter<>();
        Counter<String> inclusive = new Counter<>();
        Map<String, Counter<String>> selfByThread = new HashMap<>();
        Map<String, Counter<String>> nativeByThread = new HashMap<>();
        Counter<String> durations = new Counter<>(); // event type -> total nanos
        Counter<String> eventCounts = new Counter<>();
        Counter<String> forceBy = new Counter<>();
        Counter<String> socketReadByThread = new Counter<>();
        Counter<String> parkByThread = new Counter<>();
        Counter<String> forceByThread = new Counter<>();
        Counter<String> waitByThread = new Counter<>();
        Map<String, Counter<String>> waitByThreadAndCaller = new HashMap<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            long t = e.getStartTime().toEpochMilli();
            if (t < fromEpochMillis) {
                continue;
            }
            first = Math.min(first, t);
            last = Math.max(last, e.getEndTime().toEpochMilli());
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    String thread = threadName(e.getThread("sampledThread"));
                    cpuThreads.add(thread, 1);
                    List<RecordedFrame> frames = frames(e.getStackTrace());
                    if (frames.isEmpty()) {
                        continue;
                    }
                    String top0 = name(frames.get(0));
                    self.add(top0, 1);
                    selfPackage.add(packageOf(frames.get(0)), 1);
                    selfByThread.computeIfAbsent(thread, k -> new Counter<>()).add(top0, 1);
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame f : frames) {
                        String n = name(f);
                        if (isApplication(f) && seen.add(n)) {
                            inclusive.add(n, 1);
                        }
                    }
                }
                case "jdk.NativeMethodSample" -> {
                    String thread = threadName(e.getThread("sampledThread"));
                    nativeThreads.add(thread, 1);
                    List<RecordedFrame> frames = frames(e.getStackTrace());
                    if (!frames.isEmpty()) {
                        nativeByThread.computeIfAbsent(thread, k -> new Counter<>())
                                .add(name(frames.get(0)) + " <- " + firstApplicationFrame(frames), 1);
                    }
                }
                case "jdk.FileForce", "jdk.SocketRead", "jdk.SocketWrite", "jdk.FileRead", "jdk.FileWrite",
                        "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait", "jdk.ThreadPark", "jdk.GarbageCollection",
                        "jdk.ThreadSleep" -> {
                    long nanos = e.getDuration().toNanos();
                    durations.add(type, nanos);
                    eventCounts.add(type, 1);
                    if (type.equals("jdk.FileForce")) {
                        forceBy.add(firstApplicationFrame(frames(e.getStackTrace())), nanos);
                        forceByThread.add(threadName(e.getThread()), nanos);
                    } else if (type.equals("jdk.JavaMonitorWait")) {
                        String thread = threadName(e.getThread());
                        waitByThread.add(thread, nanos);
                        waitByThreadAndCaller.computeIfAbsent(thread, k -> new Counter<>())
                                .add(firstApplicationFrame(frames(e.getStackTrace())), nanos);
                    } else if (type.equals("jdk.SocketRead")) {
                        socketReadByThread.add(threadName(e.getThread()), nanos);
                    } else if (type.equals("jdk.ThreadPark")) {
                        parkByThread.add(threadName(e.getThread()), nanos);
                    }
                }
                default -> { }
            }
        }

        out.printf("JFR summary of %s (%s)%n", title, file);
        out.printf("recording span %.1f s; %d CPU samples (jdk.ExecutionSample, every 10 ms per running thread, "
                + "at most a few threads per tick), %d native samples%n%n", (last - first) / 1000.0, cpuThreads.total,
                nativeThreads.total);

        section(out, "CPU samples by thread", cpuThreads, top, null);
        section(out, "CPU samples by package of the hottest frame", selfPackage, top, null);
        section(out, "hottest methods (self)", self, top, null);
        section(out, "application methods, inclusive (share of all CPU samples with the method on the stack)",
                inclusive, top * 2, null, cpuThreads.total);
        List<String> busiest = cpuThreads.top(4).stream().map(Map.Entry::getKey).toList();
        for (String thread : busiest) {
            section(out, "hottest methods of thread '" + thread + "'", selfByThread.get(thread), 10, null);
        }
        for (String thread : nativeThreads.top(4).stream().map(Map.Entry::getKey).toList()) {
            section(out, "in native code, thread '" + thread + "' (blocked in I/O or a JNI call)",
                    nativeByThread.get(thread), 6, null);
        }
        out.println("I/O, lock and GC events (thresholds of the recording's settings apply):");
        for (Map.Entry<String, Long> d : durations.top(20)) {
            out.printf(Locale.ROOT, "  %-24s %8d events %10.2f s%n", d.getKey(), eventCounts.counts.get(d.getKey()),
                    d.getValue() / 1e9);
        }
        out.println();
        section(out, "fsync (jdk.FileForce) seconds by caller", forceBy, 8, JfrSummary::secondsOf);
        section(out, "fsync (jdk.FileForce) seconds by thread", forceByThread, 8, JfrSummary::secondsOf);
        section(out, "socket read wait seconds by thread", socketReadByThread, 8, JfrSummary::secondsOf);
        section(out, "Object.wait seconds by thread (e.g. a reader waiting for JSch's session thread)", waitByThread, 8,
                JfrSummary::secondsOf);
        for (String thread : waitByThread.top(3).stream().map(Map.Entry::getKey).toList()) {
            section(out, "Object.wait seconds of '" + thread + "' by caller", waitByThreadAndCaller.get(thread), 5,
                    JfrSummary::secondsOf);
        }
        section(out, "park (waiting) seconds by thread", parkByThread, 8, JfrSummary::secondsOf);
    }

    private static String secondsOf(Long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /** Prints the top entries of a counter with their share; format null prints the raw count. */
    private static <K> void section(PrintStream out, String heading, Counter<K> counter, int n,
                                    Function<Long, String> format) {
        section(out, heading, counter, n, format, counter == null ? 0 : counter.total);
    }

    private static <K> void section(PrintStream out, String heading, Counter<K> counter, int n,
                                    Function<Long, String> format, long total) {
        out.println(heading + ":");
        if (counter == null || counter.total == 0) {
            out.println("  (none)\n");
            return;
        }
        for (Map.Entry<K, Long> e : counter.top(n)) {
            String value = format == null ? String.valueOf(e.getValue()) : format.apply(e.getValue());
            out.printf(Locale.ROOT, "  %5.1f%%  %10s  %s%n", 100.0 * e.getValue() / Math.max(1, total), value, e.getKey());
        }
        out.println();
    }

    private static List<RecordedFrame> frames(RecordedStackTrace stack) {
        return stack == null ? List.of() : stack.getFrames();
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String packageOf(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        String[] parts = type.split("\\.");
        return parts.length <= 3 ? type.substring(0, Math.max(0, type.lastIndexOf('.')))
                : parts[0] + "." + parts[1] + "." + parts[2];
    }

    private static boolean isApplication(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return APPLICATION.stream().anyMatch(type::startsWith);
    }

    private static String firstApplicationFrame(List<RecordedFrame> frames) {
        return frames.stream().filter(JfrSummary::isApplication).findFirst().map(JfrSummary::name).orElse("(JDK only)");
    }

    /** Thread names with the port numbers and counters that differ between runs left as they are. */
    private static String threadName(RecordedThread t) {
        if (t == null) {
            return "(unknown)";
        }
        String name = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
        return name == null ? "(unnamed)" : name;
    }
}
