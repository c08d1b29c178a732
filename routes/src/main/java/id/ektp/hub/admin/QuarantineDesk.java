package id.ektp.hub.admin;

import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator does with quarantined items (ICD section 4): release one ("check again and
 * forward if now valid") or drop one (the file goes, the audit trail keeps the item). Each flow
 * knows its own checks, so a release is handed to the flow whose quarantine folder holds the
 * file; this class owns only the rules every flow shares:
 *
 * <ul>
 *   <li>the entry's state is committed before the file moves, so a crash in between leaves a
 *       RELEASED (or DROPPED) entry whose file is still there, and the same call again
 *       finishes the job;</li>
 *   <li>one call at a time, and the HELD → RELEASED change is conditional in the store, so a
 *       release never runs twice: the second answers "already released".</li>
 * </ul>
 */
public final class QuarantineDesk {
    /**
     * One flow's release: re-check {@code file} with the flow's own rules; if valid, commit the
     * flow's state change together with {@link QuarantineRecords#release} and move the file on,
     * returning empty; otherwise return {@code "REASON: sentence"} and change nothing. Must be
     * safe to run again for a RELEASED entry whose file is still in quarantine.
     */
    @FunctionalInterface
    public interface Release {
        Optional<String> release(QuarantineEntry entry, Path file) throws IOException;
    }

    /** What a release or drop did. */
    public record Outcome(QuarantineEntry entry, boolean alreadyDone) {}

    /** The item is not in the state the call needs, or is still invalid (409). */
    public static final class Conflict extends RuntimeException {
        private final QuarantineEntry entry;
        private final String reason;

        Conflict(QuarantineEntry entry, String reason, String message) {
            super(message, null, false, false);
            this.entry = entry;
            this.reason = reason;
        }

        public QuarantineEntry entry() {
            return entry;
        }

        /** The reason code found now, when the call re-checked the item. */
        public String reason() {
            return reason;
        }
    }

    /** No such item (404). */
    public static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger("ektp.quarantine");

    private final QuarantineRecords records;
    private final Path quarantineRoot;
    /** By the first folder of an entry's file: {@code packets}, {@code batches}, {@code results}, {@code messages}. */
    private final Map<String, Release> releases;

    public QuarantineDesk(QuarantineRecords records, Path dataDir, Map<String, Release> releases) {
        this.records = records;
        this.quarantineRoot = dataDir.resolve("quarantine");
        this.releases = Map.copyOf(releases);
    }

    public QuarantineRecords records() {
        return records;
    }

    public QuarantineEntry find(String id) {
        return records.find(id).orElseThrow(() -> new NotFound("no quarantined item " + id));
    }

    public synchronized Outcome release(String id) throws IOException {
        QuarantineEntry entry = find(id);
        Path file = fileOf(entry);
        boolean present = Files.exists(file);
        switch (entry.state()) {
            case QuarantineEntry.DROPPED -> throw new Conflict(entry, null,
                    "item " + id + " was dropped; there is nothing left to release");
            case QuarantineEntry.RELEASED -> {
                if (!present) {
                    return new Outcome(entry, true);
                }
                // Released, but a crash came before the file moved on: finish it below.
            }
            default -> {
                if (!present) {
                    // Recorded, but the file has not reached quarantine yet (the flow finishes
                    // that move on its own) or was removed by hand.
                    throw new Conflict(entry, null, "the file of item " + id + " is not in quarantine ("
                            + file + "); nothing to check");
                }
            }
        }
        Release release = releases.get(folderOf(entry));
        if (release == null) {
            throw new Conflict(entry, null, "items kept in quarantine/" + folderOf(entry) + " cannot be released");
        }
        Optional<String> problem = release.release(entry, file);
        if (problem.isPresent()) {
            String text = problem.get();
            int colon = text.indexOf(": ");
            String reason = colon > 0 ? text.substring(0, colon) : entry.reason();
            String detail = colon > 0 ? text.substring(colon + 2) : text;
            if (entry.state().equals(QuarantineEntry.HELD)) {
                records.stillHeld(id, reason, detail);
            }
            throw new Conflict(find(id), reason, "still invalid, kept in quarantine: " + text);
        }
        return new Outcome(find(id), entry.state().equals(QuarantineEntry.RELEASED));
    }

    /**
     * At the start: finishes the releases and drops a crash interrupted, i.e. entries RELEASED
     * or DROPPED in the store whose file is still in quarantine. Without it a released packet
     * would be OUTBOUND in the store with its file still here, and wait for a second call.
     */
    public synchronized int finishInterrupted() throws IOException {
        int finished = 0;
        for (QuarantineEntry entry : records.all()) {
            if (entry.state().equals(QuarantineEntry.HELD) || !Files.exists(fileOf(entry))) {
                continue;
            }
            try {
                if (entry.state().equals(QuarantineEntry.RELEASED)) {
                    release(entry.quarantineId());
                } else {
                    drop(entry.quarantineId(), null);
                }
                finished++;
                LOG.info("quarantine {}: {} finished after an interruption", entry.quarantineId(), entry.state());
            } catch (Conflict e) {
                LOG.warn("quarantine {}: {} could not be finished: {}", entry.quarantineId(), entry.state(), e.getMessage());
            } catch (IOException | RuntimeException e) { // one item's trouble must not leave the others
                LOG.error("quarantine {}: {} could not be finished; the same call again retries it",
                        entry.quarantineId(), entry.state(), e);
            }
        }
        return finished;
    }

    public synchronized Outcome drop(String id, String note) throws IOException {
        QuarantineEntry entry = find(id);
        switch (entry.state()) {
            case QuarantineEntry.RELEASED -> throw new Conflict(entry, null,
                    "item " + id + " was released and has gone on in its flow; there is nothing to drop");
            case QuarantineEntry.DROPPED -> {
                Files.deleteIfExists(fileOf(entry)); // a crash may have come before the delete
                return new Outcome(entry, true);
            }
            default -> {
                records.drop(id, note);
                Files.deleteIfExists(fileOf(entry));
                return new Outcome(find(id), false);
            }
        }
    }

    private Path fileOf(QuarantineEntry entry) {
        Path file = quarantineRoot.resolve(entry.fileName()).normalize();
        if (!file.startsWith(quarantineRoot)) { // the store names files the hub wrote; never trust it to leave the folder
            throw new IllegalStateException("item " + entry.quarantineId() + " names a file outside quarantine");
        }
        return file;
    }

    private static String folderOf(QuarantineEntry entry) {
        int slash = entry.fileName().indexOf('/');
        return slash < 0 ? "" : entry.fileName().substring(0, slash);
    }
}
