package id.ektp.hub.observe;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which configuration the hub runs, and what became of the last edit: the status page and
 * {@code /api/status} show it, so that an admin whose edit was refused sees which key and
 * why, while the hub keeps running the last good configuration.
 */
public final class ConfigState {
    /**
     * @param file        the configuration file watched
     * @param sha256      of the file's bytes as last applied
     * @param appliedAt   when the running configuration took effect
     * @param rejectedAt  when the last refused edit was seen; null when the file on disk is the one running
     * @param problems    what is wrong with that edit, each "key.path: what is wrong"; empty when none
     * @param restartNeeded settings of the applied file that only take effect at the next start
     */
    public record Snapshot(Path file, String sha256, Instant appliedAt, Instant rejectedAt, List<String> problems,
                           List<String> restartNeeded) {
        public Snapshot {
            problems = List.copyOf(problems);
            restartNeeded = List.copyOf(restartNeeded);
        }

        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private final AtomicReference<Snapshot> current;

    public ConfigState(Path file, String sha256, Instant appliedAt) {
        this.current = new AtomicReference<>(new Snapshot(file, sha256, appliedAt, null, List.of(), List.of()));
    }

    public Snapshot current() {
        return current.get();
    }

    public void applied(String sha256, Instant at, List<String> restartNeeded) {
        current.updateAndGet(s -> new Snapshot(s.file(), sha256, at, null, List.of(), restartNeeded));
    }

    public void rejected(Instant at, List<String> problems) {
        current.updateAndGet(s -> new Snapshot(s.file(), s.sha256(), s.appliedAt(), at, problems, s.restartNeeded()));
    }
}
