package id.ektp.hub.across;

import id.ektp.hub.observe.PeerFeed;
import id.ektp.hub.observe.PeerLinks;
import jakarta.jms.JMSException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * ACROSS: hands the outbox to the ministry broker, oldest first, one message at a time, each
 * a persistent JMS text message sent synchronously; a row is marked sent only after the broker
 * acknowledged it. While the broker is unreachable the head message is retried with capped
 * exponential backoff for as long as it takes (the outbox waits on disk), so order per queue
 * holds. A crash between the acknowledgement and the mark resends the same message with the
 * same {@code EktpMessageId}, which ICD §3 allows.
 */
public final class OutboxRelayRoute extends RouteBuilder {
    public static final String ROUTE_ID = "across-outbox";

    private final long retryMaxDelayMillis;

    public OutboxRelayRoute(long retryMaxDelayMillis) {
        this.retryMaxDelayMillis = retryMaxDelayMillis;
    }

    @Override
    public void configure() {
        errorHandler(defaultErrorHandler()
                .maximumRedeliveries(-1)
                .redeliveryDelay(1000).useExponentialBackOff().backOffMultiplier(2)
                .maximumRedeliveryDelay(retryMaxDelayMillis)
                .retryAttemptedLogLevel(LoggingLevel.WARN).logRetryStackTrace(false)
                .allowRedeliveryWhileStopping(false)
                // every failed send, retries included; a local failure (the outbox) is not the broker's
                .onExceptionOccurred(PeerFeed.downOn(PeerLinks.MINISTRY_BROKER,
                        JMSException.class, org.springframework.jms.JmsException.class)));

        // greedy: while a poll found messages, poll again at once instead of after the delay.
        from("scheduler:outbox?delay=500&initialDelay=0&greedy=true")
                .routeId(ROUTE_ID)
                .bean("outboxRelay", "next")
                .split(body()).stopOnException()
                    .bean("outboxRelay", "toJms")
                    .to(MinistryBroker.COMPONENT + ":queue:EKTP.UNROUTED?deliveryPersistent=true&preserveMessageQos=false")
                    .process(PeerFeed.up(PeerLinks.MINISTRY_BROKER))
                    .bean("outboxRelay", "sent")
                .end();
    }
}
