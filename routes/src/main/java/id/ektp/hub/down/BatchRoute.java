package id.ektp.hub.down;

import org.apache.camel.builder.RouteBuilder;

/**
 * DOWN, steps 1 and 2: PRR batches from the ministry's SFTP {@code outbox/} onto the hub's
 * disk (only final names: the ministry renames a batch once it is complete), then each batch
 * into print jobs and a receipt.
 */
public final class BatchRoute extends RouteBuilder {
    public static final String INTAKE_ROUTE_ID = "down-batch-intake";
    public static final String PROCESS_ROUTE_ID = "down-batch-process";
    /** The poll strategy bean ({@link id.ektp.hub.observe.PeerPolls}) feeding the ministry SFTP link. */
    public static final String MINISTRY_POLLS = "ministrySftpPolls";
    /** Both routes' sorter bean ({@link BatchSpoolNames#MINISTRY_ORDER}). */
    public static final String BATCH_ORDER = "batchOrder";

    @Override
    public void configure() {
        // No redelivery, never "handled": a failed exchange leaves the batch on the ministry side.
        errorHandler(defaultErrorHandler().maximumRedeliveries(0).logStackTrace(false));

        from("sftp://{{ministry.sftp.username}}@{{ministry.sftp.host}}:{{ministry.sftp.port}}/{{ministry.sftp.outboxDir}}"
                + "?privateKeyFile=RAW({{ministry.sftp.privateKeyFile}})"
                + "&knownHostsFile=RAW({{ministry.sftp.knownHostsFile}})"
                + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false"
                + "&connectTimeout={{ministry.sftp.connectTimeoutMillis}}"
                + "&serverAliveInterval={{ministry.sftp.aliveIntervalMillis}}&serverAliveCountMax=3"
                + "&autoCreate=false&maximumReconnectAttempts=1&reconnectDelay=2000"
                // RAW(): in a URI a '+' would otherwise decode to a space
                + "&include=RAW(prr-[0-9]{4}-[0-9]{8}-[0-9]+\\.json)&sorter=#" + BATCH_ORDER
                + "&streamDownload=true&stepwise=false&delete=true"
                + "&delay={{ministry.sftp.pollMillis}}&initialDelay=0&maxMessagesPerPoll=20&eagerMaxMessagesPerPoll=false"
                + "&jschLoggingLevel=WARN&runLoggingLevel=DEBUG"
                // each poll tells PeerLinks whether the ministry SFTP server answered
                + "&throwExceptionOnConnectFailed=true&pollStrategy=#" + MINISTRY_POLLS)
                .routeId(INTAKE_ROUTE_ID)
                .bean("batchIntake", "receive");

        // One batch per poll, the earliest by the ministry's name: eagerMaxMessagesPerPoll=false,
        // or Camel would take the first file listed and sort only that one.
        from("file:{{hub.spool.batches}}?readLock=none&noop=true&idempotent=false&sorter=#" + BATCH_ORDER
                + "&eagerMaxMessagesPerPoll=false&delay=500&initialDelay=0&maxMessagesPerPoll=1")
                .routeId(PROCESS_ROUTE_ID)
                .bean("batchProcessor", "process");
    }
}
