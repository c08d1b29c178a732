package id.ektp.hub.connectors.ministry;

import id.ektp.hub.config.HubConfig.Broker;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import id.ektp.hub.connectors.link.PeerFeed;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.camel.Processor;
import org.apache.camel.component.activemq6.ActiveMQComponent;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/**
 * The ministry's ActiveMQ Classic broker, as a Camel component named {@value #COMPONENT}, and
 * the endpoints the hub uses on it. TLS is whatever the URL says ({@code ssl://}, with the JVM's
 * trust store). The link is the peer {@value #PEER} of the hub's peer links.
 */
public final class MinistryBrokerConnector {
    public static final String COMPONENT = "ministry";
    public static final String PEER = "ministry-broker";
    /**
     * The bean ({@link BrokerChunk}) that sends a chunk of the outbox in one JMS transaction, on this
     * component's connection factory.
     */
    public static final String CHUNK = "ministryBrokerChunk";
    /**
     * Shipments the ministry announces to this regency, consumed in a local JMS transaction that
     * commits only once the route completed (the allocation stored or quarantined). The body is
     * the JMS message itself ({@code mapJmsMessage=false}): Camel's mapping of a body the sender
     * chose (an object message, say) could fail before the intake can quarantine it, and the
     * message would then come back for ever, holding every allocation behind it.
     */
    public static final String ALLOCATIONS = COMPONENT + ":queue:EKTP.STOCK.ALLOCATIONS.{{hub.regency.compact}}"
            + "?transacted=true&mapJmsMessage=false";
    /**
     * The ministry's results for this regency's packets ({@code ektp.packet-result/1}), consumed
     * like allocations: the local JMS transaction commits once the result is stored or quarantined,
     * and the body is the JMS message itself for the same reason.
     */
    public static final String RESULTS = COMPONENT + ":queue:EKTP.PACKET.RESULTS.{{hub.regency.compact}}"
            + "?transacted=true&mapJmsMessage=false";
    /** A failover URL without a timeout would block a send forever while the broker is down. */
    static final int FAILOVER_TIMEOUT_MILLIS = 30_000;

    private MinistryBrokerConnector() {}

    /** The beans to bind: the component {@value #COMPONENT} and the sender {@value #CHUNK}, on one connection factory. */
    public static Map<String, Object> beans(Broker broker) throws IOException {
        ActiveMQConnectionFactory direct = activeMq(broker);
        ConnectionFactory pool = pooled(direct);
        ActiveMQComponent component = new ActiveMQComponent();
        component.setConnectionFactory(pool);
        // Start listeners in the background: a broker that is down must not hold up the hub's start.
        component.setAsyncStartListener(true);
        // Without failover, the outbox's chunks go on a connection of their own, not the pool's: the
        // pool closes its connection, from another thread, on any asynchronous error (the broker's
        // refusal of a send in the chunk, say). A commit racing that close could find its
        // transaction already gone and return as if the broker had stored the chunk, which it had
        // not: a message marked sent and lost. On a connection nobody else closes, the broker answers
        // the commit itself ("marked rollback only"), and the chunk counts as not taken.
        // (OutboxRelayTest's refused message inside a chunk found it: about one run in ten was never
        // parked.) With failover the chunks stay, for now, on the pool's one long-lived connection,
        // which follows the brokers: a failover connection per drain, as this makes, went to
        // whichever broker answered and BrokerNetworkTest saw chunks sent twice. The race above is
        // still possible there (docs/design.md, "The outbox").
        boolean failover = broker.url().startsWith("failover:");
        return Map.of(COMPONENT, component, CHUNK, new BrokerChunk(failover ? pool : direct));
    }

    private static ConnectionFactory pooled(ActiveMQConnectionFactory factory) {
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(factory);
        pool.setMaxConnections(1);
        return pool;
    }

    /** The broker's connection settings: the pool's connection and the outbox's are both made by it. */
    static ActiveMQConnectionFactory activeMq(Broker broker) throws IOException {
        String password = Files.readString(broker.passwordFile()).strip();
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.username(), password, brokerUrl(broker.url()));
        // A persistent send outside a transaction waits for the broker's acknowledgement
        // (useAsyncSend=false). Inside the outbox relay's transaction the sends are one-way and the
        // commit waits: the broker stores the chunk, or none of it, in one round trip. Either
        // alwaysSyncSend or a sendTimeout would make every send in the transaction wait as well
        // (ActiveMQSession.send); the failover URL's timeout bounds a send while the broker is down.
        factory.setUseAsyncSend(false);
        factory.setAlwaysSyncSend(false);
        factory.setSendTimeout(0);
        // Consumers and producers on this connection need no advisory topics (a network of
        // brokers' own bridges use them, not the clients).
        factory.setWatchTopicAdvisories(false);
        // An allocation or result we could not store is redelivered to us, never dead-lettered on the ministry side.
        RedeliveryPolicy redelivery = factory.getRedeliveryPolicy();
        redelivery.setMaximumRedeliveries(RedeliveryPolicy.NO_MAXIMUM_REDELIVERIES);
        redelivery.setInitialRedeliveryDelay(1000);
        redelivery.setUseExponentialBackOff(true);
        redelivery.setMaximumRedeliveryDelay(60_000);
        return factory;
    }

    static String brokerUrl(String url) {
        if (!url.startsWith("failover:") || url.contains("timeout=")) {
            return url;
        }
        return url + (url.contains(")?") ? "&" : "?") + "timeout=" + FAILOVER_TIMEOUT_MILLIS;
    }

    /** A route step after a send the broker acknowledged. */
    public static Processor reachable() {
        return PeerFeed.up(PEER);
    }

    /** For an error handler's {@code onExceptionOccurred}: the link is down on a JMS failure, not a local one. */
    public static Processor unreachableOnFailure() {
        return PeerFeed.downOn(PEER, JMSException.class, org.springframework.jms.JmsException.class);
    }
}
