package id.ektp.hub.bench;

import id.ektp.hub.bench.OutboxPayloads.Payload;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * Checks what reached the broker by consuming the queue (which also empties it for the next phase): exactly the
 * messages raised, each once, in the order raised, persistent, with the three ICD §3 properties and the very
 * body raised (all N are compared, not just a sample).
 */
final class OutboxQueueCheck {
    /**
     * Below the broker's page size (200): a queue pages in its next messages only once earlier ones are
     * acknowledged, so a transaction holding 200 unacknowledged messages would wait for nothing.
     */
    private static final int COMMIT_EVERY = 100;

    /** What was found on the queue. {@code problems} is empty when everything matched. */
    record Verdict(int received, List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }

        String describe() {
            return ok() ? received + " received, all in raise order, unique, bodies and properties as raised"
                    : received + " received; " + String.join("; ", problems);
        }
    }

    private OutboxQueueCheck() {}

    /** A client factory with the hub's send semantics: every send waits for the broker's acknowledgement. */
    static ActiveMQConnectionFactory factory(String url) {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
        factory.setUseAsyncSend(false);
        factory.setAlwaysSyncSend(true);
        factory.setWatchTopicAdvisories(false);
        return factory;
    }

    static Verdict drainAndVerify(String url, String queue, List<Payload> expected, OutboxDeadline deadline)
            throws JMSException {
        Map<String, Integer> position = new HashMap<>(expected.size() * 2);
        for (int i = 0; i < expected.size(); i++) {
            position.put(expected.get(i).id(), i);
        }
        List<String> problems = new java.util.ArrayList<>();
        Set<String> seen = new HashSet<>(expected.size() * 2);
        int received = 0;
        int outOfOrder = 0;
        int duplicates = 0;
        int unknown = 0;
        int badMessages = 0;
        String firstBad = null;
        int previous = -1;
        ActiveMQConnectionFactory factory = factory(url);
        try (Connection connection = factory.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            connection.start();
            while (true) {
                // Wait long for what should be there, briefly for anything beyond it.
                Message message = consumer.receive(received < expected.size() ? 10_000 : 500);
                if (message == null) {
                    break;
                }
                received++;
                String id = message.getStringProperty("EktpMessageId");
                Integer at = id == null ? null : position.get(id);
                if (at == null) {
                    unknown++;
                } else {
                    if (!seen.add(id)) {
                        duplicates++;
                    }
                    if (at != previous + 1) {
                        outOfOrder++;
                    }
                    previous = at;
                    String why = badness(message, expected.get(at));
                    if (why != null) {
                        badMessages++;
                        if (firstBad == null) {
                            firstBad = "message " + at + ": " + why;
                        }
                    }
                }
                if (received % COMMIT_EVERY == 0) {
                    session.commit();
                    deadline.check("draining " + queue);
                }
            }
            session.commit();
        }
        if (received != expected.size()) {
            problems.add("expected " + expected.size());
        }
        if (seen.size() != expected.size()) {
            problems.add((expected.size() - seen.size()) + " raised id(s) missing");
        }
        if (duplicates > 0) {
            problems.add(duplicates + " duplicate(s)");
        }
        if (unknown > 0) {
            problems.add(unknown + " message(s) with an id that was not raised");
        }
        if (outOfOrder > 0) {
            problems.add(outOfOrder + " step(s) out of raise order");
        }
        if (badMessages > 0) {
            problems.add(badMessages + " message(s) not as raised, first " + firstBad);
        }
        return new Verdict(received, List.copyOf(problems));
    }

    private static String badness(Message message, Payload raised) throws JMSException {
        if (message.getJMSDeliveryMode() != DeliveryMode.PERSISTENT) {
            return "not persistent";
        }
        if (!OutboxPayloads.TYPE.equals(message.getStringProperty("EktpType"))) {
            return "EktpType " + message.getStringProperty("EktpType");
        }
        if (!OutboxPayloads.REGENCY.equals(message.getStringProperty("EktpRegency"))) {
            return "EktpRegency " + message.getStringProperty("EktpRegency");
        }
        if (!(message instanceof TextMessage text) || !Objects.equals(text.getText(), raised.body())) {
            return "body differs";
        }
        return null;
    }
}
