package id.ektp.hub.policies;

import id.ektp.hub.connectors.ministry.MinistryBrokerConnector;
import id.ektp.hub.connectors.ministry.MinistrySftpConnector;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;

/**
 * How the hub's routes fail, declared once as Camel route configurations and picked by each
 * route with {@code routeConfigurationId(...)}. There are two kinds of route in the hub, and so
 * two kinds of policy:
 *
 * <ul>
 *   <li>{@value #LEAVE_AT_SOURCE}: a route that takes something from where it lies (a device's
 *       outbox, the ministry's outbox, a printer's results, a spool folder). No redelivery, and
 *       a failure is never "handled": handled, it would count as success and the consumer would
 *       delete the source's copy. The item stays where it was; the next poll is the retry. One
 *       line, no stack trace: a dropped link is expected, not a bug.</li>
 *   <li>{@value #UNTIL_MINISTRY_SFTP_TAKES_IT} and {@value #UNTIL_BROKER_TAKES_IT}: a route that
 *       hands the head of a queue on disk to the ministry. The head is retried for as long as it
 *       takes, 1 s doubling up to the configured {@code retryMaxDelay}, so the order holds and
 *       nothing behind it overtakes; every failed attempt of the peer itself (not a local one)
 *       marks its link down, for the status page and the metrics. A {@link StepAside} is not
 *       retried at all: it fails at once and the next poll starts again from the true head.</li>
 *   <li>{@value #WAIT_FOR_THE_DEVICE}: a device's receipts route. A failed write is handled by
 *       the route's own bean (its {@code failed} method: the receipts stay in the store and the
 *       device is tried again with backoff), never redelivered on the spot, never a stack trace.</li>
 *   <li>{@value #FAIL_TO_CALLER}: a step that another route calls ({@code direct:}), with no
 *       error handling of its own: its failure goes back to the caller, whose policy retries the
 *       call from the top, so a check at the start of the step runs again on every attempt
 *       (Camel redelivers at the node that failed).</li>
 * </ul>
 */
public final class ErrorPolicies extends RouteConfigurationBuilder {
    public static final String LEAVE_AT_SOURCE = "leave-at-source";
    public static final String UNTIL_MINISTRY_SFTP_TAKES_IT = "until-ministry-sftp-takes-it";
    public static final String UNTIL_BROKER_TAKES_IT = "until-broker-takes-it";
    public static final String FAIL_TO_CALLER = "fail-to-caller";
    public static final String WAIT_FOR_THE_DEVICE = "wait-for-the-device";

    private final long sftpRetryMaxDelayMillis;
    private final long brokerRetryMaxDelayMillis;

    /** The caps are {@code ministry.sftp.retryMaxDelay} and {@code ministry.broker.retryMaxDelay}. */
    public ErrorPolicies(long sftpRetryMaxDelayMillis, long brokerRetryMaxDelayMillis) {
        this.sftpRetryMaxDelayMillis = sftpRetryMaxDelayMillis;
        this.brokerRetryMaxDelayMillis = brokerRetryMaxDelayMillis;
    }

    @Override
    public void configuration() {
        routeConfiguration(LEAVE_AT_SOURCE)
                .errorHandler(defaultErrorHandler().maximumRedeliveries(0)
                        .logStackTrace(false).logExhaustedMessageHistory(false));

        stepAside(routeConfiguration(UNTIL_MINISTRY_SFTP_TAKES_IT)
                .errorHandler(untilTaken(sftpRetryMaxDelayMillis)
                        .onExceptionOccurred(MinistrySftpConnector.unreachableOnFailure())));

        stepAside(routeConfiguration(UNTIL_BROKER_TAKES_IT)
                .errorHandler(untilTaken(brokerRetryMaxDelayMillis)
                        .onExceptionOccurred(MinistryBrokerConnector.unreachableOnFailure())));

        routeConfiguration(FAIL_TO_CALLER).errorHandler(noErrorHandler());

        routeConfiguration(WAIT_FOR_THE_DEVICE)
                .errorHandler(defaultErrorHandler().maximumRedeliveries(0).logStackTrace(false))
                .onException(Exception.class).handled(true).logHandled(false).logExhausted(false)
                .bean("deviceReceipts", "failed");
    }

    private DefaultErrorHandlerDefinition untilTaken(long maxDelayMillis) {
        return defaultErrorHandler()
                .maximumRedeliveries(-1)
                .redeliveryDelay(1000).useExponentialBackOff().backOffMultiplier(2)
                .maximumRedeliveryDelay(maxDelayMillis)
                .retryAttemptedLogLevel(LoggingLevel.WARN).logRetryStackTrace(false)
                .allowRedeliveryWhileStopping(false);
    }

    private static void stepAside(RouteConfigurationDefinition policy) {
        policy.onException(StepAside.class).maximumRedeliveries(0).handled(false)
                .logExhausted(false).logStackTrace(false).logHandled(false);
    }
}
