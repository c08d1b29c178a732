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

/**
 * Sends a chunk of persistent text messages to the ministry's broker in one local JMS transaction,
 * on the {@code ministry} component's own pooled connection factory (its credentials, failover URL and
 * timeouts): the broker stores all of them, or none, and {@link #send} returns once it has committed.
 * The sends inside are one-way and the commit waits (see {@link MinistryBrokerConnector#connectionFactory}),
 * so a chunk costs one round trip and one journal fsync at the broker, whatever its size.
 */
public final class BrokerChunk {
    /** One message: its queue, its text, its string properties. */
    public record Outgoing(String queue, String text, Map<String, String> properties) {}

    private final ConnectionFactory factory;

    BrokerChunk(ConnectionFactory factory) {
        this.factory = factory;
    }

    /** All of {@code messages}, in order, in one transaction; on any failure it is rolled back and thrown. */
    public void send(List<Outgoing> messages) throws JMSException {
        try (Connection connection = factory.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
             MessageProducer producer = session.createProducer(null)) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            try {
                for (Outgoing message : messages) {
                    TextMessage text = session.createTextMessage(message.text());
                    for (Map.Entry<String, String> property : message.properties().entrySet()) {
                        text.setStringProperty(property.getKey(), property.getValue());
                    }
                    producer.send(session.createQueue(message.queue()), text);
                }
                session.commit();
            } catch (JMSException | RuntimeException e) {
                try {
                    session.rollback();
                } catch (JMSException | RuntimeException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        }
    }
}
