package id.ektp.hub.connectors.link;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.RemoteFilePollingConsumerPollStrategy;
import org.apache.camel.spi.RouteIdAware;

/**
 * Tells {@link Links} how each poll of an SFTP consumer went: a completed poll is a contact, a
 * failed connect or refused login is the link down. The consumer needs
 * {@code throwExceptionOnConnectFailed=true}, or camel-ftp only logs a failed connect and the
 * poll looks like an empty one.
 *
 * <p>Extends camel-ftp's own strategy so that a failed poll still forces a disconnect and the
 * next poll starts from a fresh connection. A poll is skipped, the link left as it was, while
 * {@code mayTakeMore} says no (the disk is nearly full): what the peer holds waits there.
 */
public final class SftpPolls extends RemoteFilePollingConsumerPollStrategy {
    private final Links links;
    private final Function<Consumer, Optional<String>> peerOf;
    private final BooleanSupplier mayTakeMore;

    private SftpPolls(Links links, Function<Consumer, Optional<String>> peerOf, BooleanSupplier mayTakeMore) {
        this.links = links;
        this.peerOf = peerOf;
        this.mayTakeMore = mayTakeMore;
    }

    /** Polls of one peer's consumer (the ministry's outbox). */
    public static SftpPolls of(Links links, String peer, BooleanSupplier mayTakeMore) {
        return new SftpPolls(links, consumer -> Optional.of(peer), mayTakeMore);
    }

    /**
     * Polls of many consumers sharing one strategy (a route per device): the peer is the rest of
     * the consumer's route id after {@code routeIdPrefix}.
     */
    public static SftpPolls byRouteId(Links links, String routeIdPrefix, BooleanSupplier mayTakeMore) {
        return new SftpPolls(links, consumer -> consumer instanceof RouteIdAware aware && aware.getRouteId() != null
                && aware.getRouteId().startsWith(routeIdPrefix)
                ? Optional.of(aware.getRouteId().substring(routeIdPrefix.length()))
                : Optional.empty(), mayTakeMore);
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return mayTakeMore.getAsBoolean() && super.begin(consumer, endpoint);
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        super.commit(consumer, endpoint, polledMessages);
        peerOf.apply(consumer).ifPresent(links::up);
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) throws Exception {
        super.rollback(consumer, endpoint, retryCounter, cause);
        peerOf.apply(consumer).ifPresent(peer -> links.down(peer, cause));
        return false; // never retry at once: the next scheduled poll is the retry
    }
}
