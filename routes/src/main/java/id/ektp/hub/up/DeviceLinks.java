package id.ektp.hub.up;

import id.ektp.hub.observe.PeerLinks;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.RemoteFilePollingConsumerPollStrategy;
import org.apache.camel.spi.RouteIdAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches each device's link through its SFTP consumer's polls. The SFTP consumer only logs a
 * failed connect unless {@code throwExceptionOnConnectFailed=true}; with it, every failed
 * connect or refused login reaches {@link #rollback} here, and every completed poll reaches
 * {@link #commit}. A transition is logged once, not once per poll.
 *
 * <p>Extends camel-ftp's own strategy so that a failed poll still forces a disconnect and the
 * next poll starts from a fresh connection. A poll is skipped, the link left as it was, while
 * the disk is nearly full ({@link id.ektp.hub.observe.DiskFloor}).
 */
public final class DeviceLinks extends RemoteFilePollingConsumerPollStrategy {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.devices");

    /** A device's link as last seen. {@code since} is when it entered this state. */
    public record Link(boolean up, Instant since, Instant lastPoll, String lastError) {}

    private final Clock clock;
    private final BooleanSupplier mayTakeMore;
    private final Map<String, Link> links = new ConcurrentHashMap<>();

    /** {@code mayTakeMore}: asked before each poll; false skips it (the disk is nearly full). */
    public DeviceLinks(Clock clock, BooleanSupplier mayTakeMore) {
        this.clock = clock;
        this.mayTakeMore = mayTakeMore;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return mayTakeMore.getAsBoolean() && super.begin(consumer, endpoint);
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        super.commit(consumer, endpoint, polledMessages);
        deviceOf(consumer).ifPresent(device -> links.compute(device, (key, previous) -> {
            Instant now = clock.instant();
            if (previous != null && !previous.up()) {
                LOG.info("device {}: reachable again (was down since {})", DeviceRef.of(key), previous.since());
            }
            return new Link(true, previous != null && previous.up() ? previous.since() : now, now, null);
        }));
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) throws Exception {
        super.rollback(consumer, endpoint, retryCounter, cause);
        deviceOf(consumer).ifPresent(device -> links.compute(device, (key, previous) -> {
            Instant now = clock.instant();
            String error = PeerLinks.describe(cause);
            if (previous == null || previous.up()) {
                LOG.warn("device {}: unreachable: {}", DeviceRef.of(key), error);
            }
            return new Link(false, previous != null && !previous.up() ? previous.since() : now, now, error);
        }));
        return false; // never retry at once: the next scheduled poll is the retry
    }

    /** Forgets a device no longer configured (removed by a config reload). */
    public void forget(String deviceKey) {
        links.remove(deviceKey);
    }

    public Optional<Link> link(String deviceKey) {
        return Optional.ofNullable(links.get(deviceKey));
    }

    public Map<String, Link> all() {
        return Map.copyOf(links);
    }

    private static Optional<String> deviceOf(Consumer consumer) {
        if (consumer instanceof RouteIdAware aware && aware.getRouteId() != null
                && aware.getRouteId().startsWith(DeviceIntakeRoute.ROUTE_PREFIX)) {
            return Optional.of(aware.getRouteId().substring(DeviceIntakeRoute.ROUTE_PREFIX.length()));
        }
        return Optional.empty();
    }
}
