package id.ektp.hub.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Everything logged in this JVM while it is open, as the code logged it (message and exception,
 * before any layout): what a test checks when it means the code's own lines, not the log file's
 * safety nets.
 */
public final class LogCapture implements AutoCloseable {
    private static final String NAME = "test-capture";

    /** One event: its logger, its message and the message of its exception (or null). */
    public record Line(String logger, String message, String thrown) {
        /** The message and the exception's, as one text. */
        public String text() {
            return thrown == null ? message : message + " | " + thrown;
        }
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final AbstractAppender appender = new AbstractAppender(NAME, null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            Throwable thrown = event.getThrown();
            lines.add(new Line(event.getLoggerName(), event.getMessage().getFormattedMessage(),
                    thrown == null ? null : String.valueOf(thrown)));
        }
    };

    private LogCapture() {
        appender.start();
        root().addAppender(appender, null, null);
        context.updateLoggers();
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    private LoggerConfig root() {
        return context.getConfiguration().getRootLogger();
    }

    @Override
    public void close() {
        root().removeAppender(NAME);
        context.updateLoggers();
        appender.stop();
    }
}
