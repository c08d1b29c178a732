package id.ektp.hub.connectors.printer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A printer's {@code queue/} as the DOWN flow's dispatcher uses it: the same two-phase steps whether
 * the printer is a local (or mounted) folder or an SFTP account. Every method throws
 * {@link IOException} when the printer cannot be reached or refuses the step; the dispatcher
 * then takes the printer offline and tries again after {@link #retryDelay}.
 */
public interface PrinterQueue extends AutoCloseable {
    /** Makes sure the printer can be reached (connects if need be): cheap while it is. */
    void open() throws IOException;

    /** Names in {@code queue/} that start with a dot and end with {@code suffix}: the hub's temp files. */
    List<String> tempNames(String suffix) throws IOException;

    /**
     * Writes a whole file under a temp name the printer ignores; it is complete (and, where the
     * link allows, on the printer's disk) when this returns. Group may read, others not.
     */
    void write(String name, String content) throws IOException;

    /**
     * {@link #write} for each of {@code files} (name → content); all are complete when this
     * returns. Fails when any fails, leaving whichever were written.
     */
    default void writeAll(Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> file : files.entrySet()) {
            write(file.getKey(), file.getValue());
        }
    }

    /**
     * Renames {@code from} to {@code to}, replacing a stale {@code to} a spooler left there;
     * durable once {@link #sync} returned, so that a pass's renames cost one sync.
     */
    void rename(String from, String to) throws IOException;

    /** Makes the renames done so far durable, where the link allows: a folder's entries forced to disk. */
    void sync() throws IOException;

    void delete(String name) throws IOException;

    /** Where the queue is, for log lines. */
    String location();

    /** How long to leave the printer alone after {@code failures} failed attempts in a row. */
    Duration retryDelay(int failures);

    /** Drops the connection, if any; the next {@link #open} makes a new one. Never throws. */
    @Override
    void close();
}
