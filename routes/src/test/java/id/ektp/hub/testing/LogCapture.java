package id.ektp.hub.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log event of the test JVM while open, as its code wrote it: message and stack trace,
 * before any layout could mask it. The hub's own loggers ({@code ektp.*}, {@code id.ektp.*})
 * are opened to DEBUG meanwhile, so a line only a debugging operator would see is caught too.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {
    private static final List<String> OURS = List.of("ektp", "id.ektp");
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture() {
        super("capture", null, null, true, Property.EMPTY_ARRAY);
    }

    public static LogCapture open() {
        LogCapture capture = new LogCapture();
        capture.start0();
        return capture;
    }

    private void start0() {
        start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.getRootLogger().addAppender(this, Level.ALL, null);
        for (String name : OURS) {
            LoggerConfig ours = new LoggerConfig(name, Level.DEBUG, true);
            config.addLogger(name, ours);
        }
        context.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
        StringWriter text = new StringWriter();
        text.append(event.getLoggerName()).append(' ').append(event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
            event.getThrown().printStackTrace(new PrintWriter(text));
        }
        lines.add(text.toString());
    }

    /** The captured lines holding {@code needle}. */
    public List<String> linesHolding(String needle) {
        return lines.stream().filter(l -> l.contains(needle)).toList();
    }

    public int size() {
        return lines.size();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(getName());
        OURS.forEach(config::removeLogger);
        context.updateLoggers();
        stop();
    }
}
