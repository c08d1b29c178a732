package id.ektp.hub.connectors.ministry;

import com.jcraft.jsch.JSchException;
import id.ektp.hub.config.HubConfig.MinistrySftp;
import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.connectors.link.PeerFeed;
import id.ektp.hub.connectors.link.SftpPolls;
import id.ektp.hub.connectors.sftp.PeerFailure;
import id.ektp.hub.connectors.sftp.SftpOptions;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.camel.Processor;
import org.apache.camel.component.file.GenericFileOperationFailedException;

/**
 * The ministry's SFTP account: its {@code inbox/}, where the hub uploads packets ({@link MinistryInbox}), and its
 * {@code outbox/}, where the ministry leaves PRR batches. The endpoints use the placeholders
 * {@code {{ministry.sftp.*}}} that {@link #properties} fills from the configuration. The link is
 * the peer {@value #PEER} of the hub's peer {@link Links}.
 */
public final class MinistrySftpConnector {
    public static final String PEER = "ministry-sftp";
    /** The registry name of the batch consumer's poll strategy, a {@link SftpPolls} feeding {@value #PEER}. */
    public static final String POLLS_BEAN = "ministrySftpPolls";
    private static final String PREFIX = "ministry.sftp.";

    private MinistrySftpConnector() {}

    /**
     * The ministry's outbox: only final batch names (the ministry renames a batch once it is
     * complete), streamed, removed there once the exchange completed; 20 a poll, in the order of
     * the sorter bean {@code sorterBean}; each poll reports the link ({@link #polls}).
     * {@code autoCreate=false}: a ministry that is down must not hold up the hub's start.
     */
    public static String outbox(String sorterBean) {
        return SftpOptions.secure(SftpOptions.placeholders(PREFIX), "{{ministry.sftp.outboxDir}}")
                + "&autoCreate=false&maximumReconnectAttempts=1&reconnectDelay=2000"
                // RAW(): in a URI a '+' would otherwise decode to a space
                + "&include=RAW(prr-[0-9]{4}-[0-9]{8}-[0-9]+\\.json)&sorter=#" + sorterBean
                + "&streamDownload=true&stepwise=false&delete=true"
                + "&delay={{ministry.sftp.pollMillis}}&initialDelay=0&maxMessagesPerPoll=20&eagerMaxMessagesPerPoll=false"
                + "&runLoggingLevel=DEBUG"
                + "&throwExceptionOnConnectFailed=true&pollStrategy=#" + POLLS_BEAN;
    }

    /** The configuration as the placeholders of {@link #outbox} (and of the inbox {@link MinistryInbox} writes). */
    public static void properties(Map<String, String> p, MinistrySftp sftp) {
        SftpOptions.parameters(p, PREFIX, sftp.account());
        p.put(PREFIX + "inboxDir", sftp.inboxDir());
        p.put(PREFIX + "outboxDir", sftp.outboxDir());
        p.put(PREFIX + "pollMillis", String.valueOf(sftp.pollInterval().toMillis()));
    }

    /** The batch consumer's poll strategy. {@code mayTakeMore}: asked before each poll; false skips it. */
    public static SftpPolls polls(Links peers, BooleanSupplier mayTakeMore) {
        return SftpPolls.of(peers, PEER, mayTakeMore);
    }

    /** A route step after an upload the server acknowledged. */
    public static Processor reachable() {
        return PeerFeed.up(PEER);
    }

    /**
     * For an error handler's {@code onExceptionOccurred}: the link is down on a failure of the
     * SFTP server or the connection to it, not on a local one (the spool, the state store).
     */
    public static Processor unreachableOnFailure() {
        return PeerFeed.downOn(PEER, PeerFailure.class, GenericFileOperationFailedException.class, JSchException.class);
    }
}
