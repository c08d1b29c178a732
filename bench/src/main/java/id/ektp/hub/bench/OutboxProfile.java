package id.ektp.hub.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of one hub relay phase (in this JVM, which holds the hub and the broker), and where the relay
 * thread's time went. JFR's samplers only see a thread while it runs Java ({@code jdk.ExecutionSample}) or native
 * code ({@code jdk.NativeMethodSample}, where SQLite's fsync is); a thread parked waiting for the broker's
 * acknowledgement is in neither, so every {@code jdk.ThreadPark} is recorded (threshold 0) and summed exactly.
 * Samples are then used only for proportions of the remaining (not parked) time.
 */
final class OutboxProfile {
    /** Camel names the scheduler's thread after its endpoint: "Camel (camel-1) thread #7 - scheduler://outbox". */
    static final String RELAY_THREAD = "scheduler://outbox";

    private OutboxProfile() {}

    static Recording start(Path file) throws IOException, ParseException {
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
        recording.enable("jdk.ThreadPark").withThreshold(Duration.ZERO).withStackTrace();
        recording.enable("jdk.JavaMonitorWait").withThreshold(Duration.ZERO).withStackTrace();
        recording.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ZERO).withStackTrace();
        recording.enable("jdk.SocketRead").withThreshold(Duration.ZERO).withStackTrace();
        recording.enable("jdk.CPULoad").withPeriod(Duration.ofSeconds(1));
        recording.setDestination(file);
        recording.setToDisk(true);
        recording.start();
        return recording;
    }

    /** Where the relay thread's wall time went between {@code from} and {@code to}; also the busiest threads. */
    static String summarize(Path file, Instant from, Instant to, int messages) throws IOException {
        Tally parks = new Tally();        // relay thread: parked/waiting, by what it waited for
        Tally samples = new Tally();      // relay thread: Java + native samples, by activity
        Tally leaves = new Tally();       // relay thread: top frames of samples
        Tally threads = new Tally();      // every thread: Java + native samples, by normalised thread name
        Tally socketReads = new Tally();  // relay thread: socket reads
        double machineCpu = 0;
        double jvmCpu = 0;
        int cpuEvents = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (event.getStartTime().isBefore(from) || event.getEndTime().isAfter(to)) {
                continue;
            }
            String type = event.getEventType().getName();
            if (type.equals("jdk.CPULoad")) {
                machineCpu += event.getFloat("machineTotal");
                jvmCpu += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
                cpuEvents++;
                continue;
            }
            boolean sample = type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample");
            String name = JfrFrames.threadName(sample ? event.getThread("sampledThread") : event.getThread());
            boolean relay = name.contains(RELAY_THREAD);
            List<RecordedFrame> frames = JfrFrames.of(event.getStackTrace());
            switch (type) {
                case "jdk.ExecutionSample", "jdk.NativeMethodSample" -> {
                    if (type.equals("jdk.ExecutionSample")) { // on CPU in Java; native samples include blocking reads
                        threads.add(name);
                    }
                    if (relay) {
                        samples.add(activity(frames) + (type.equals("jdk.NativeMethodSample") ? " [native]" : ""));
                        leaves.add(frames.isEmpty() ? "?" : JfrFrames.method(frames.get(0)));
                    }
                }
                case "jdk.ThreadPark", "jdk.JavaMonitorWait", "jdk.JavaMonitorEnter" -> {
                    if (relay) {
                        parks.add(waitedFor(frames) + " (" + type.substring(4) + ")", event.getDuration().toNanos());
                    }
                }
                case "jdk.SocketRead" -> {
                    if (relay) {
                        socketReads.add(activity(frames), event.getDuration().toNanos());
                    }
                }
                default -> { }
            }
        }
        double wall = Duration.between(from, to).toNanos();
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.printf("Relay thread (%s), %.1f s of wall time, %d messages (%.0f us each):%n",
                RELAY_THREAD, wall / 1e9, messages, wall / 1e3 / messages);
        out.printf("  blocked (every park/wait recorded): %.1f s = %.0f%% of wall, %.0f us per message%n",
                parks.nanos() / 1e9, 100 * parks.nanos() / wall, parks.nanos() / 1e3 / messages);
        for (Tally.Entry e : parks.topByNanos(6)) {
            out.printf("    %6.1f s  %7d x  %5.0f us each  %s%n", e.nanos() / 1e9, e.count(),
                    e.nanos() / 1e3 / Math.max(1, e.count()), e.key());
        }
        if (socketReads.count() > 0) {
            out.printf("  socket reads on the relay thread: %d, %.1f s%n", socketReads.count(), socketReads.nanos() / 1e9);
        }
        double notBlocked = wall - parks.nanos();
        out.printf("  not blocked: %.1f s = %.0f%% of wall (%.0f us per message), by %d samples (Java and native):%n",
                notBlocked / 1e9, 100 * notBlocked / wall, notBlocked / 1e3 / messages, samples.count());
        for (Tally.Entry e : samples.topByCount(10)) {
            double share = (double) e.count() / Math.max(1, samples.count());
            out.printf("    %4.0f%%  ~%5.0f us/msg  %s%n", 100 * share, share * notBlocked / 1e3 / messages, e.key());
        }
        out.printf("  top frames of those samples:%n");
        for (Tally.Entry e : leaves.topByCount(12)) {
            out.printf("    %5d  %s%n", e.count(), e.key());
        }
        out.printf("Java CPU samples (jdk.ExecutionSample) by thread, whole JVM (hub + broker + benchmark), top 10 of %d:%n", threads.count());
        for (Tally.Entry e : threads.topByCount(10)) {
            out.printf("    %5d  %s%n", e.count(), e.key());
        }
        if (cpuEvents > 0) {
            out.printf("CPU (jdk.CPULoad, mean over the phase): machine %.0f%%, this JVM %.0f%% of %d CPUs%n",
                    100 * machineCpu / cpuEvents, 100 * jvmCpu / cpuEvents, Runtime.getRuntime().availableProcessors());
        }
        out.flush();
        return text.toString();
    }

    /** What a relay-thread stack is doing, from the outermost meaningful frame inwards. */
    private static String activity(List<RecordedFrame> frames) {
        boolean sqlite = false;
        boolean jms = false;
        boolean camel = false;
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            String method = f.getMethod().getName();
            if (type.equals("id.ektp.hub.store.Outbox")) {
                return switch (method) {
                    case "markSent", "lambda$markSent$2" -> "SQLite: Outbox.markSent";
                    case "pending" -> "SQLite: Outbox.pending (read 200 rows)";
                    default -> "SQLite: Outbox." + method;
                };
            }
            sqlite |= type.startsWith("org.sqlite.");
            jms |= type.startsWith("org.apache.activemq.") || type.startsWith("org.messaginghub.")
                    || type.startsWith("org.springframework.jms.");
            camel |= type.startsWith("org.apache.camel.");
        }
        if (sqlite) {
            return "SQLite: other";
        }
        if (jms) {
            return "JMS send (ActiveMQ client, pooled-jms, Spring JmsTemplate)";
        }
        if (camel) {
            return "Camel routing (scheduler, split, bean calls, type conversion)";
        }
        return "other";
    }

    private static String waitedFor(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (type.equals("id.ektp.hub.across.OutboxRelay")) { // before the scheduler: its thread runs the relay
                return "waiting for the store thread (OutboxRelay." + f.getMethod().getName() + ")";
            }
            if (type.startsWith("org.apache.activemq.transport.FutureResponse")
                    || type.startsWith("org.apache.activemq.transport.ResponseCorrelator")) {
                return "waiting for the broker's acknowledgement of a send";
            }
            if (type.startsWith("org.apache.camel.component.scheduler") || type.contains("ScheduledThreadPoolExecutor")) {
                return "scheduler idle";
            }
        }
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                return "other: " + JfrFrames.method(f);
            }
        }
        return frames.isEmpty() ? "?" : "other: " + JfrFrames.method(frames.get(0));
    }
}
