package id.ektp.hub.observe;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's links to its other peers as last seen: the ministry SFTP server, the ministry
 * broker and each printer (the kecamatan devices have {@link id.ektp.hub.up.DeviceLinks}).
 * The flows report each contact, good or bad; health checks, metrics and the status page read
 * it. A change of state is logged once, not on every attempt.
 */
public final class PeerLinks {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.links");

    public static final String MINISTRY_SFTP = "ministry-sftp";
    public static final String MINISTRY_BROKER = "ministry-broker";

    public static String printer(String printerId) {
        return "printer-" + printerId;
    }

    /** A link as last seen. {@code since} is when it entered this state; {@code lastError} is null while up. */
    public record Link(boolean up, Instant since, Instant lastContact, String lastError) {}

    private final Clock clock;
    private final Map<String, Link> links = new ConcurrentHashMap<>();

    public PeerLinks(Clock clock) {
        this.clock = clock;
    }

    public void up(String peer) {
        links.compute(peer, (key, previous) -> {
            Instant now = clock.instant();
            if (previous != null && !previous.up()) {
                LOG.info("{}: reachable again (was down since {})", key, previous.since());
            }
            return new Link(true, previous != null && previous.up() ? previous.since() : now, now, null);
        });
    }

    public void down(String peer, String error) {
        links.compute(peer, (key, previous) -> {
            Instant now = clock.instant();
            if (previous == null || previous.up()) {
                LOG.warn("{}: unreachable: {}", key, error);
            }
            return new Link(false, previous != null && !previous.up() ? previous.since() : now, now, error);
        });
    }

    public void down(String peer, Throwable cause) {
        down(peer, describe(cause));
    }

    /** Forgets a peer no longer configured (a printer removed by a config reload). */
    public void forget(String peer) {
        links.remove(peer);
    }

    public Optional<Link> link(String peer) {
        return Optional.ofNullable(links.get(peer));
    }

    /** Every peer seen so far, by name. A peer not yet contacted is absent. */
    public Map<String, Link> all() {
        return new TreeMap<>(links);
    }

    /** The innermost message is the one that says what happened ("Auth fail", "Connection refused"). */
    public static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == cause ? message : cause.getClass().getSimpleName() + ": " + message;
    }
}
