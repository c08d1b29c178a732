package id.ektp.hub.connectors.printer;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

/**
 * Which entries of a printer's {@code results/} listing its route may take, decided from the
 * listing alone, before a byte is read or downloaded. Whatever a printer (or whoever controls its
 * folder or SFTP server) puts there, the hub
 * <ul>
 *   <li>uses no name that is not a plain file name: over SFTP the name comes from the server, and
 *       {@code x/../../y} would take camel-ftp out of {@code results/} on the printer (its
 *       remove) and, with a local work folder, out of that folder on the hub (CAMEL-23765);</li>
 *   <li>follows no link and reads nothing but a regular file: a folder printer's share may hold
 *       a link to one of the hub's own files, and the hub would read it as a result (a FIFO
 *       would hang the route);</li>
 *   <li>takes no file over {@link PrinterConnector#MAX_RESULT_BYTES}: a result is a few hundred
 *       bytes, and what the listing says is all it is trusted with.</li>
 * </ul>
 * Such an entry is left where it is and told to {@link Refusals} (which reports it once); the
 * other names the route's {@code include} does not take are passed over in silence, as before.
 * One instance per printer route (a template bean: it knows its printer).
 */
public final class ResultFileFilter<T> implements GenericFileFilter<T> {
    /** The names a printer writes results under (ICD §2: {@code <prrId>.result.json}). */
    public static final Pattern RESULT_NAME = Pattern.compile(".*\\.result\\.json");
    private static final Pattern PLAIN_NAME = Pattern.compile("[^/\\\\\\p{Cntrl}]+");

    /** An entry refused at listing time, as the listing showed it. */
    public record Refused(String name, long size, long lastModified, String reason, String detail) {}

    /** Where refusals go; called on every poll that lists the entry again. */
    @FunctionalInterface
    public interface Refusals {
        void refused(String printerId, Refused entry);
    }

    private final String printerId;
    private final Refusals refusals;

    public ResultFileFilter(String printerId, Refusals refusals) {
        this.printerId = printerId;
        this.refusals = refusals;
    }

    @Override
    public boolean accept(GenericFile<T> file) {
        if (file.isDirectory() || !RESULT_NAME.matcher(file.getFileNameOnly()).matches()) {
            return false;
        }
        Refused refused = refusal(file);
        if (refused != null) {
            refusals.refused(printerId, refused);
        }
        return refused == null;
    }

    private Refused refusal(GenericFile<T> file) {
        String name = file.getFileNameOnly();
        long size = file.getFileLength();
        long lastModified = file.getLastModified();
        if (!PLAIN_NAME.matcher(name).matches()) {
            return new Refused(name, size, lastModified, "UNSAFE_NAME",
                    "the name is a path, not a file name (it holds '/', '\\' or a control character)");
        }
        if (file.getFile() instanceof File local) {
            // A java.io.File listing follows links: ask again without following them.
            Path path = local.toPath();
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException gone) {
                return null; // removed since the listing: the read finds out, or the next listing
            }
            size = attributes.size();
            lastModified = attributes.lastModifiedTime().toMillis();
            if (attributes.isSymbolicLink() || Files.isSymbolicLink(path.getParent())) {
                return new Refused(name, size, lastModified, "SYMBOLIC_LINK", "a symbolic link, not followed"
                        + (attributes.isSymbolicLink() ? "" : " (the printer's results folder is one)"));
            }
            if (!attributes.isRegularFile()) {
                return new Refused(name, size, lastModified, "NOT_A_FILE", "not a regular file (a device or a pipe), not read");
            }
        }
        if (size > PrinterConnector.MAX_RESULT_BYTES) {
            return new Refused(name, size, lastModified, "TOO_LARGE", "not copied: " + size(size)
                    + ", over the " + size(PrinterConnector.MAX_RESULT_BYTES) + " limit");
        }
        return null;
    }

    /** A size as an operator reads it: {@code 512 bytes}, {@code 70 KiB}, {@code 9 MiB}. */
    public static String size(long bytes) {
        return bytes < 1024 ? bytes + " bytes" : bytes < 1024 * 1024 ? bytes / 1024 + " KiB" : bytes / (1024 * 1024) + " MiB";
    }
}
