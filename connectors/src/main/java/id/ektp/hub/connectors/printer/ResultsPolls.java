package id.ektp.hub.connectors.printer;

import java.util.function.BooleanSupplier;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.RemoteFilePollingConsumerPollStrategy;

/**
 * The poll strategy of every printer's results route, folder or SFTP: a poll is skipped while
 * {@code mayTakeMore} says no (the disk is nearly full), and the results wait on the printers,
 * where they are safe. camel-ftp's own strategy underneath, so that a failed SFTP poll still
 * forces a disconnect (it does nothing more for a folder's consumer). The printers' links are
 * the dispatcher's business ({@link PrinterQueues}), not this one's.
 */
public final class ResultsPolls extends RemoteFilePollingConsumerPollStrategy {
    private final BooleanSupplier mayTakeMore;

    public ResultsPolls(BooleanSupplier mayTakeMore) {
        this.mayTakeMore = mayTakeMore;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return mayTakeMore.getAsBoolean() && super.begin(consumer, endpoint);
    }
}
