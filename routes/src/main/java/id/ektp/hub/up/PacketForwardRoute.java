package id.ektp.hub.up;

import com.jcraft.jsch.JSchException;
import id.ektp.hub.observe.PeerFeed;
import id.ektp.hub.observe.PeerLinks;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.apache.camel.builder.RouteBuilder;

/**
 * UP, step 3: forward valid packets byte-identical to the ministry inbox, oldest capture
 * first, for as long as it takes.
 *
 * <p>One consumer, one file at a time, in file-name (= capture time) order. While the
 * ministry is unreachable the head packet is retried with exponential backoff capped at
 * {@code ministry.sftp.retryMaxDelay} and never given up; everything behind it waits on disk.
 * Should an earlier capture arrive meanwhile (a device back after months), the retry stops
 * and the earlier packet goes first: see {@link OutboundQueue}.
 * The upload goes to {@code <packetId>.zip.part} and is renamed, so the ministry only ever
 * sees complete files; the local file is deleted only after the upload and its record.
 * {@code fastExistsCheck}: without it every upload lists the whole ministry inbox.
 */
public final class PacketForwardRoute extends RouteBuilder {
    public static final String ROUTE_ID = "up-forward";
    public static final String UPLOAD_ROUTE_ID = "up-upload";
    static final String UPLOAD = "direct:ministry-upload";

    private final long retryMaxDelayMillis;

    public PacketForwardRoute(long retryMaxDelayMillis) {
        this.retryMaxDelayMillis = retryMaxDelayMillis;
    }

    @Override
    public void configure() {
        // A packet that an earlier capture overtook fails at once, quietly; the file stays
        // and the next poll re-sorts the folder.
        onException(NotHeadOfQueueException.class).maximumRedeliveries(0).handled(false)
                .logExhausted(false).logStackTrace(false).logHandled(false);

        errorHandler(defaultErrorHandler()
                .maximumRedeliveries(-1)
                .redeliveryDelay(1000).useExponentialBackOff().backOffMultiplier(2)
                .maximumRedeliveryDelay(retryMaxDelayMillis)
                .retryAttemptedLogLevel(LoggingLevel.WARN).logRetryStackTrace(false)
                .allowRedeliveryWhileStopping(false)
                // every failed upload attempt, not only the first: the health check and metrics
                // show the ministry down while the retries go on. Local failures do not count.
                .onExceptionOccurred(PeerFeed.downOn(PeerLinks.MINISTRY_SFTP,
                        GenericFileOperationFailedException.class, JSchException.class)));

        from("file:{{hub.spool.outbound}}?antInclude=*.zip&readLock=none&delete=true"
                + "&sortBy=file:name&eagerMaxMessagesPerPoll=false&maxMessagesPerPoll=500"
                + "&delay=200&initialDelay=0&greedy=true")
                .routeId(ROUTE_ID)
                .bean("packetForwarding", "prepare")
                .choice()
                    .when(header(PacketForwarding.ALREADY_FORWARDED))
                        .bean("packetForwarding", "alreadyForwarded")
                    .otherwise()
                        .to(UPLOAD)
                        .bean("packetForwarding", "forwarded")
                .end();

        // The upload as one step of its own, without an error handler: a failure goes back to
        // the forward route, whose redelivery calls this route again from the top, so every
        // attempt first checks that its packet is still the earliest one waiting. For the
        // same reason the producer makes no reconnect attempts of its own.
        from(UPLOAD)
                .routeId(UPLOAD_ROUTE_ID)
                .errorHandler(noErrorHandler())
                .bean("packetForwarding", "ensureHead")
                .to("sftp://{{ministry.sftp.username}}@{{ministry.sftp.host}}:{{ministry.sftp.port}}/{{ministry.sftp.inboxDir}}"
                        + "?privateKeyFile=RAW({{ministry.sftp.privateKeyFile}})"
                        + "&knownHostsFile=RAW({{ministry.sftp.knownHostsFile}})"
                        + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false"
                        + "&connectTimeout={{ministry.sftp.connectTimeoutMillis}}"
                        + "&serverAliveInterval={{ministry.sftp.aliveIntervalMillis}}&serverAliveCountMax=3"
                        + "&maximumReconnectAttempts=0"
                        + "&tempFileName=${file:name}.part&fileExist=Override&fastExistsCheck=true"
                        + "&jschLoggingLevel=WARN")
                .process(PeerFeed.up(PeerLinks.MINISTRY_SFTP));
    }
}
