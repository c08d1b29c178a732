package id.ektp.hub.connectors.ministry;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends chunks of persistent text messages to the ministry's broker, each chunk in one local JMS
 * transaction, with the {@code ministry} component's connection settings (credentials, failover URL,
 * timeouts) but on a connection of its own, never the pool's (see {@link MinistryBrokerConnector#beans}):
 * the broker stores all of a chunk, or none. The sends are one-way and the
 * commit waits (see {@link MinistryBrokerConnector#activeMq}), so a chunk costs one round trip
 * and one journal fsync at the broker, whatever its size. One {@link Transactions} (one session and
 * producer) carries as many chunks as its user sends and commits one after the other.
 */
public final class BrokerChunk {
    /** One message: its queue, its text, its string properties. */
    public record Outgoing(String queue, String text, Map<String, String> properties) {}

    private static final Logger LOG = LoggerFactory.getLogger(BrokerChunk.class);

    private final ConnectionFactory factory;

    BrokerChunk(ConnectionFactory factory) {
        this.factory = factory;
    }

    /** A transacted session on the broker, for one chunk after the other; close it when done. */
    public Transactions open() throws JMSException {
        Connection connection = factory.createConnection();
        try {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(null);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            return new Transactions(connection, session, producer);
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * One transacted session: {@link #send} adds a chunk to the open transaction (one-way, nothing is
     * stored yet), {@link #commit} has the broker store it. On any failure the transaction is rolled
     * back and the failure thrown; the session may carry the next chunk after that.
     */
    public static final class Transactions implements AutoCloseable {
        private final Connection connection;
        private final Session session;
        private final MessageProducer producer;

        private Transactions(Connection connection, Session session, MessageProducer producer) {
            this.connection = connection;
            this.session = session;
            this.producer = producer;
        }

        /** All of {@code messages}, in order, into the open transaction. */
        public void send(List<Outgoing> messages) throws JMSException {
            try {
                for (Outgoing message : messages) {
                    TextMessage text = session.createTextMessage(message.text());
                    for (Map.Entry<String, String> property : message.properties().entrySet()) {
                        text.setStringProperty(property.getKey(), property.getValue());
                    }
                    producer.send(session.createQueue(message.queue()), text);
                }
            } catch (JMSException | RuntimeException e) {
                rollBack(e);
                throw e;
            }
        }

        /** Returns once the broker has stored everything sent since the last commit. */
        public void commit() throws JMSException {
            try {
                session.commit();
                // Still a check, should anything close the session under the commit: asking it whether
                // it is transacted throws if it was closed, and then this chunk counts as not taken (at
                // worst it is sent again, under the same ids).
                session.getTransacted();
            } catch (JMSException | RuntimeException e) {
                rollBack(e);
                throw e;
            }
        }

        /**
         * Drops what was sent since the last commit: the broker stores none of it. Does not throw: a
         * session that cannot roll back is broken, and the broker drops its open transaction with it.
         */
        public void rollback() {
            try {
                session.rollback();
            } catch (JMSException | RuntimeException e) {
                LOG.debug("Rolling back a transacted session on the ministry broker: {}", e.toString());
            }
        }

        private void rollBack(Exception failure) {
            try {
                session.rollback();
            } catch (JMSException | RuntimeException again) {
                failure.addSuppressed(again);
            }
        }

        /**
         * Closing rolls back whatever was not committed. Does not throw: whatever was committed stays
         * committed, and a session or connection that cannot be closed cleanly is dropped by the pool.
         */
        @Override
        public void close() {
            try (connection; session; producer) {
                // the pool takes the connection and session back
            } catch (JMSException | RuntimeException e) {
                LOG.debug("Closing a transacted session on the ministry broker: {}", e.toString());
            }
        }
    }
}
