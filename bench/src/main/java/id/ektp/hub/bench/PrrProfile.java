package id.ektp.hub.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the hub's time went while it turned the batch into print jobs, from the JFR recording of
 * the profiled run ({@code settings=profile}, every {@code FileChannel.force} recorded), only the
 * events between publish and the last job: CPU samples ({@code jdk.ExecutionSample}) by thread, by
 * hottest method (self) and by hub method (inclusive); native samples ({@code jdk.NativeMethodSample}:
 * threads in fsync, SQLite, socket reads); what {@code JobDispatcher.queue} and
 * {@code BatchProcessor.process} spend their samples on, by the method they call; and every fsync
 * with its caller. The same as aggregating {@code jfr print --events jdk.ExecutionSample hub.jfr} by
 * top frame, in one page.
 *
 * <pre>java -cp ektp-hub.jar id.ektp.hub.bench.PrrProfile hub.jfr [fromEpochMillis toEpochMillis]</pre>
 */
public final class PrrProfile {
    private PrrProfile() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1 && args.length != 3) {
            System.err.println("usage: PrrProfile FILE.jfr [fromEpochMillis toEpochMillis]");
            System.exit(64);
        }
        long from = args.length == 3 ? Long.parseLong(args[1]) : 0;
        long to = args.length == 3 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
        print(Path.of(args[0]), from, to, 20, System.out);
    }

    private static final class Counter {
        final Map<String, Long> counts = new HashMap<>();
        long total;

        void add(String key) {
            counts.merge(key, 1L, Long::sum);
            total++;
        }

        void add(String key, long n) {
            counts.merge(key, n, Long::sum);
            total += n;
        }

        List<Map.Entry<String, Long>> top(int n) {
            return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                    .toList();
        }
    }

    /** Native top frames of threads that only wait for work (idle SFTP/JMS/HTTP connections). */
    private static final Set<String> IDLE = Set.of("sun.nio.ch.Net.poll", "sun.nio.ch.EPoll.wait",
            "sun.nio.ch.SocketDispatcher.read0", "sun.nio.ch.Net.accept", "java.net.SocketInputStream.socketRead0",
            "sun.nio.ch.NioSocketImpl.park");

    /** The callers whose callees we break down: samples inside them, by the method they called. */
    private static final List<String> BREAKDOWN = List.of("id.ektp.hub.down.JobDispatcher.queue",
            "id.ektp.hub.store.PrintJobs.markQueued", "id.ektp.hub.down.BatchProcessor.process",
            "id.ektp.hub.down.BatchIntake.receive");

    static void print(Path file, long fromEpochMillis, long toEpochMillis, int top, PrintStream out) throws IOException {
        Instant from = Instant.ofEpochMilli(fromEpochMillis);
        Instant to = toEpochMillis == Long.MAX_VALUE ? Instant.MAX : Instant.ofEpochMilli(toEpochMillis);
        Counter cpuThreads = new Counter();
        Counter cpuSelf = new Counter();
        Counter cpuInclusive = new Counter();
        Counter nativeThreads = new Counter();
        Counter nativeTop = new Counter();
        Counter nativeCaller = new Counter();
        long nativeIdle = 0;
        Map<String, Counter> breakdown = new HashMap<>();
        BREAKDOWN.forEach(b -> breakdown.put(b, new Counter()));
        Counter forceCount = new Counter();
        Map<String, Duration> forceTime = new HashMap<>();
        Duration gcPauses = Duration.ZERO;
        int gcCount = 0;
        long monitorEnters = 0;
        Duration monitorTime = Duration.ZERO;

        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                if (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
                    continue;
                }
                String type = e.getEventType().getName();
                switch (type) {
                    case "jdk.ExecutionSample", "jdk.NativeMethodSample" -> {
                        boolean cpu = type.equals("jdk.ExecutionSample");
                        RecordedStackTrace stack = e.getStackTrace();
                        String thread = threadName(e.getThread("sampledThread"));
                        if (stack == null || stack.getFrames().isEmpty()) {
                            continue;
                        }
                        List<RecordedFrame> frames = stack.getFrames();
                        String topFrame = method(frames.get(0));
                        if (cpu) {
                            cpuThreads.add(thread);
                            cpuSelf.add(topFrame);
                            Set<String> once = new HashSet<>();
                            for (RecordedFrame f : frames) {
                                String m = method(f);
                                if (m.startsWith("id.ektp.") && once.add(m)) {
                                    cpuInclusive.add(m);
                                }
                            }
                        } else {
                            nativeThreads.add(thread);
                            if (IDLE.contains(topFrame)) {
                                nativeIdle++;
                            } else {
                                nativeTop.add(topFrame);
                                nativeCaller.add(firstHubFrame(frames) + "  <-  " + topFrame);
                            }
                        }
                        for (int i = 1; i < frames.size(); i++) {
                            Counter c = breakdown.get(method(frames.get(i)));
                            if (c != null) {
                                c.add((cpu ? "cpu    " : "native ") + method(frames.get(i - 1)));
                            }
                        }
                    }
                    case "jdk.FileForce" -> {
                        String caller = e.getStackTrace() == null ? "?" : firstHubFrame(e.getStackTrace().getFrames());
                        forceCount.add(caller);
                        forceTime.merge(caller, e.getDuration(), Duration::plus);
                    }
                    case "jdk.GarbageCollection" -> {
                        gcCount++;
                        gcPauses = gcPauses.plus(e.getDuration("sumOfPauses"));
                    }
                    case "jdk.JavaMonitorEnter" -> {
                        monitorEnters++;
                        monitorTime = monitorTime.plus(e.getDuration());
                    }
                    default -> { }
                }
            }
        }

        out.printf(Locale.ROOT, "JFR profile of the hub: %s%n", file);
        out.printf(Locale.ROOT, "window: %s .. %s (publish .. last job)%n%n", from, to == Instant.MAX ? "end" : to);
        section(out, "CPU samples (jdk.ExecutionSample, 10 ms) by thread", cpuThreads, top);
        section(out, "Hot methods, self (top frame of jdk.ExecutionSample)", cpuSelf, top);
        section(out, "Hub methods, inclusive (on the stack of jdk.ExecutionSample)", cpuInclusive, top);
        section(out, "Native samples (jdk.NativeMethodSample, 20 ms, one thread per period) by thread",
                nativeThreads, top);
        out.printf(Locale.ROOT, "(%d native samples of threads waiting for work (socket poll/read, epoll) left out below)%n%n",
                nativeIdle);
        section(out, "Native samples of working threads by top frame", nativeTop, top);
        section(out, "Native samples of working threads by hub caller <- native method", nativeCaller, top);
        for (String b : BREAKDOWN) {
            section(out, "Samples inside " + b + " by the method it called", breakdown.get(b), top);
        }
        out.printf(Locale.ROOT, "== FileChannel.force (jdk.FileForce, all of them) by hub caller ==%n");
        long totalForces = forceCount.total;
        Duration totalForce = forceTime.values().stream().reduce(Duration.ZERO, Duration::plus);
        out.printf(Locale.ROOT, "  total %d forces, %.1f s, %.2f ms each on average%n", totalForces,
                totalForce.toNanos() / 1e9, totalForces == 0 ? 0 : totalForce.toNanos() / 1e6 / totalForces);
        for (Map.Entry<String, Long> entry : forceCount.top(top)) {
            Duration d = forceTime.get(entry.getKey());
            out.printf(Locale.ROOT, "  %7d  %8.1f s  %6.2f ms avg  %s%n", entry.getValue(), d.toNanos() / 1e9,
                    d.toNanos() / 1e6 / entry.getValue(), entry.getKey());
        }
        out.printf(Locale.ROOT, "%n== GC and locks ==%n  %d collections, %.1f ms of pauses; %d contended monitor "
                + "enters (>10 ms), %.1f s%n", gcCount, gcPauses.toNanos() / 1e6, monitorEnters, monitorTime.toNanos() / 1e9);
    }

    private static void section(PrintStream out, String title, Counter counter, int top) {
        out.printf(Locale.ROOT, "== %s: %d ==%n", title, counter.total);
        for (Map.Entry<String, Long> entry : counter.top(top)) {
            out.printf(Locale.ROOT, "  %7d  %5.1f%%  %s%n", entry.getValue(),
                    100.0 * entry.getValue() / Math.max(1, counter.total), entry.getKey());
        }
        out.println();
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** The innermost hub frame (id.ektp.*), or the innermost frame if none. */
    private static String firstHubFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String m = method(f);
            if (m.startsWith("id.ektp.")) {
                return m + ":" + f.getLineNumber();
            }
        }
        return frames.isEmpty() ? "?" : method(frames.get(0));
    }

    private static String threadName(RecordedThread t) {
        if (t == null) {
            return "?";
        }
        String name = t.getJavaName() == null ? t.getOSName() : t.getJavaName();
        // Camel (camel-1) thread #12 - scheduler://dispatch -> scheduler://dispatch
        int dash = name.lastIndexOf(" - ");
        return dash >= 0 && name.startsWith("Camel") ? name.substring(dash + 3) : name.replaceAll("\\d+$", "#");
    }
}
