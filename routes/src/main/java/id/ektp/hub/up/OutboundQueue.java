package id.ektp.hub.up;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;

/**
 * The order of {@code spool/outbound/}: the names of the packets waiting for the ministry,
 * which sort by capture time. The folder stays the truth (this index is rebuilt from it at
 * start); the index only makes "is this packet the earliest one waiting?" cheap to ask, so
 * forwarding can stay strictly first-captured-first even while the ministry is down and the
 * head packet is being retried.
 */
public final class OutboundQueue {
    private final Path folder;
    private final ConcurrentSkipListSet<String> names = new ConcurrentSkipListSet<>();

    public OutboundQueue(Path folder) throws IOException {
        this.folder = folder;
        try (Stream<Path> files = Files.list(folder)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".zip")).forEach(names::add);
        }
    }

    void added(String name) {
        names.add(name);
    }

    void removed(String name) {
        names.remove(name);
    }

    /**
     * True when no packet captured earlier than {@code name} is waiting. A name whose file
     * is gone (removed by hand) is forgotten rather than allowed to block the queue.
     */
    boolean isHead(String name) {
        for (String first = firstOrNull(); first != null && first.compareTo(name) < 0; first = firstOrNull()) {
            if (Files.exists(folder.resolve(first))) {
                return false;
            }
            names.remove(first);
        }
        return true;
    }

    /** The file of the packet waiting right after {@code name}, if any. */
    Optional<Path> after(String name) {
        String next = names.higher(name);
        return next == null ? Optional.empty() : Optional.of(folder.resolve(next));
    }

    public int size() {
        return names.size();
    }

    private String firstOrNull() {
        return names.isEmpty() ? null : names.first();
    }
}
