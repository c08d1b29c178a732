package id.ektp.hub.bench;

import java.util.List;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;

/** How the JFR reports name stack frames and threads. */
final class JfrFrames {
    /** Packages whose frames count as "ours or our libraries". */
    private static final List<String> APPLICATION = List.of("id.ektp.", "com.jcraft.", "org.apache.camel.",
            "org.sqlite.", "org.apache.sshd.", "org.apache.logging.");

    private JfrFrames() {}

    /** Innermost first; none for an event recorded without a stack trace. */
    static List<RecordedFrame> of(RecordedStackTrace stack) {
        return stack == null ? List.of() : stack.getFrames();
    }

    /** {@code package.Type.method}. */
    static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    static boolean isApplication(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return APPLICATION.stream().anyMatch(type::startsWith);
    }

    /** The innermost frame of the hub or a library it uses (JSch waiting for the server, say). */
    static String firstApplication(List<RecordedFrame> frames) {
        return frames.stream().filter(JfrFrames::isApplication).findFirst().map(JfrFrames::method)
                .orElse("(JDK only)");
    }

    /** The innermost frame of the hub itself, with its line (which fsync or commit of a method); else the innermost. */
    static String firstHub(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String m = method(f);
            if (m.startsWith("id.ektp.")) {
                return m + ":" + f.getLineNumber();
            }
        }
        return frames.isEmpty() ? "?" : method(frames.get(0));
    }

    /**
     * A thread's name with what differs between runs taken out: a Camel thread by its endpoint ("Camel (camel-1)
     * thread #12 - scheduler://dispatch" is "scheduler://dispatch"), other names without their trailing number.
     */
    static String threadName(RecordedThread t) {
        if (t == null) {
            return "?";
        }
        String name = t.getJavaName() == null ? t.getOSName() : t.getJavaName();
        if (name == null) {
            return "(unnamed)";
        }
        int dash = name.lastIndexOf(" - ");
        return dash >= 0 && name.startsWith("Camel") ? name.substring(dash + 3) : name.replaceAll("\\d+$", "#");
    }
}
