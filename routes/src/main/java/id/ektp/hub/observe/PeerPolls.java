package id.ektp.hub.observe;

import java.util.function.BooleanSupplier;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.RemoteFilePollingConsumerPollStrategy;

/**
 * Tells {@link PeerLinks} how each poll of one peer's SFTP consumer went, as
 * {@link id.ektp.hub.up.DeviceLinks} does for the devices: a completed poll is a contact, a
 * failed connect or refused login (the consumer needs {@code throwExceptionOnConnectFailed=true}
 * to report those) is the link down.
 *
 * <p>Extends camel-ftp's own strategy so that a failed poll still forces a disconnect and the
 * next poll starts from a fresh connection.
 */
public final class PeerPolls extends RemoteFilePollingConsumerPollStrategy {
    private final PeerLinks links;
    private final String peer;
    private final BooleanSupplier mayTakeMore;

    /** {@code mayTakeMore}: asked before each poll; false skips it (the disk is nearly full). */
    public PeerPolls(PeerLinks links, String peer, BooleanSupplier mayTakeMore) {
        this.links = links;
        this.peer = peer;
        this.mayTakeMore = mayTakeMore;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return mayTakeMore.getAsBoolean() && super.begin(consumer, endpoint);
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        super.commit(consumer, endpoint, polledMessages);
        links.up(peer);
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) throws Exception {
        super.rollback(consumer, endpoint, retryCounter, cause);
        links.down(peer, cause);
        return false; // never retry at once: the next scheduled poll is the retry
    }
}
