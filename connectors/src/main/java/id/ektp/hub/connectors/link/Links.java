package id.ektp.hub.connectors.link;

import id.ektp.hub.connectors.sftp.PeerFailure;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The links to one group of peers as last seen, by peer name: the hub keeps one for its
 * kecamatan devices (named by device key) and one for its other peers ({@code ministry-sftp},
 * {@code ministry-broker}, {@code printer-<id>}). The connectors report each contact, good or
 * bad; health checks, metrics, reports and the status page read it. A change of state is
 * logged once, not on every attempt.
 */
public final class Links {
    private final Clock clock;
    private final Logger log;
    private final UnaryOperator<String> label;
    private final Map<String, Link> links = new ConcurrentHashMap<>();

    /**
     * @param logger the logger an operator follows for these peers ({@code ektp.devices}, {@code ektp.links})
     * @param label  how a peer's name reads in a log line ({@code "device 33.10.05/CWS01"})
     */
    public Links(Clock clock, String logger, UnaryOperator<String> label) {
        this.clock = clock;
        this.log = LoggerFactory.getLogger(logger);
        this.label = label;
    }

    public void up(String peer) {
        links.compute(peer, (key, previous) -> {
            Instant now = clock.instant();
            if (previous != null && !previous.up()) {
                log.info("{}: reachable again (was down since {})", label.apply(key), previous.since());
            }
            return new Link(true, previous != null && previous.up() ? previous.since() : now, now, null);
        });
    }

    public void down(String peer, String error) {
        links.compute(peer, (key, previous) -> {
            Instant now = clock.instant();
            if (previous == null || previous.up()) {
                log.warn("{}: unreachable: {}", label.apply(key), error);
            }
            return new Link(false, previous != null && !previous.up() ? previous.since() : now, now, error);
        });
    }

    public void down(String peer, Throwable cause) {
        down(peer, describe(cause));
    }

    /** Forgets a peer no longer configured (a device or printer removed by a config reload). */
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
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PeerFailure peer) {
                return peer.getMessage(); // says what broke and how far a transfer got
            }
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == cause ? message : cause.getClass().getSimpleName() + ": " + message;
    }
}
