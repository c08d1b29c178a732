package id.ektp.hub.bench;

import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.OutboxMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * PROTOTYPES, not the hub: relay loops over the hub's own {@link Outbox} (same {@code pending(200)} reads, same
 * {@code markSent}, same SQLite store) written as plain JMS, to show what the hub's relay costs and what batching
 * would give. None of this code runs in a hub.
 *
 * <ul>
 *   <li>{@link Variant#PLAIN}: the hub's semantics without Camel: one synchronous persistent send, then one
 *       {@code markSent} commit, per message. Times each part, which splits the hub's per-message cost.</li>
 *   <li>{@link Variant#MARK_BATCH}: synchronous sends as now, but the rows of each batch marked sent in one
 *       SQLite transaction after their sends were acknowledged.</li>
 *   <li>{@link Variant#TX_BATCH}: a transacted JMS session, committed every batch (each send still waits for the
 *       broker, as {@code alwaysSyncSend} makes it; the broker writes and fsyncs the batch once, at the commit),
 *       then the batch marked sent in one SQLite transaction. A failure rolls the whole batch back, so order per
 *       queue holds; a crash between the JMS commit and the mark resends up to one batch under the same ids, which
 *       ICD §3 allows. KahaDB writes every message that wants a response with a disk sync, in a transaction or
 *       not ({@code isEnableJournalDiskSyncs() && message.isResponseRequired()}), so on a disk this saves little.</li>
 *   <li>{@link Variant#TX_BATCH_ASYNC}: as {@code TX_BATCH}, but the sends inside the transaction do not wait
 *       ({@code alwaysSyncSend=false}: ActiveMQ then sends transacted messages one-way); the commit waits, and the
 *       broker fsyncs the batch once. A send the broker refuses makes the transaction rollback-only, so the commit
 *       fails and the batch is retried: {@code BrokerService.rollbackOnlyOnAsyncException}, true by default in
 *       ActiveMQ 6.2 (the ministry's broker must have it on).</li>
 * </ul>
 */
final class OutboxRelayPrototype {
    private static final int READ_LIMIT = 200; // as OutboxRelay.BATCH

    enum Variant {
        PLAIN("plain JMS loop, hub semantics (sync send + markSent per message)"),
        MARK_BATCH("sync send per message, markSent batched"),
        TX_BATCH("transacted JMS batch (sync sends) + markSent batched"),
        TX_BATCH_ASYNC("transacted JMS batch (one-way sends, sync commit) + markSent batched");

        final String description;

        Variant(String description) {
            this.description = description;
        }
    }

    /** Timings of one prototype run; every {@code *Nanos} is a sum over the run. */
    record Result(Variant variant, int batch, int sent, long totalNanos, long readNanos, long sendNanos,
                  long commitNanos, long markNanos) {
        double perSecond() {
            return sent / (totalNanos / 1e9);
        }

        double microsPerMessage(long nanos) {
            return nanos / 1e3 / sent;
        }
    }

    private OutboxRelayPrototype() {}

    static Result run(Variant variant, int batch, HubStore store, Outbox outbox, String brokerUrl, String regency,
                      OutboxDeadline deadline) throws JMSException {
        boolean transacted = variant == Variant.TX_BATCH || variant == Variant.TX_BATCH_ASYNC;
        ActiveMQConnectionFactory factory = OutboxQueueCheck.factory(brokerUrl);
        factory.setAlwaysSyncSend(variant != Variant.TX_BATCH_ASYNC);
        int step = variant == Variant.PLAIN ? 1 : batch;
        long read = 0;
        long send = 0;
        long commit = 0;
        long mark = 0;
        int sent = 0;
        try (Connection connection = factory.createConnection();
             Session session = connection.createSession(transacted,
                     transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
             MessageProducer producer = session.createProducer(null)) {
            connection.start();
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            Map<String, Queue> queues = new HashMap<>();
            long start = System.nanoTime();
            while (true) {
                long t0 = System.nanoTime();
                List<OutboxMessage> rows = outbox.pending(READ_LIMIT);
                read += System.nanoTime() - t0;
                if (rows.isEmpty()) {
                    break;
                }
                for (int from = 0; from < rows.size(); from += step) {
                    List<OutboxMessage> chunk = rows.subList(from, Math.min(rows.size(), from + step));
                    for (OutboxMessage row : chunk) {
                        TextMessage message = session.createTextMessage(row.body());
                        message.setStringProperty("EktpMessageId", row.messageId());
                        message.setStringProperty("EktpType", row.type());
                        message.setStringProperty("EktpRegency", regency);
                        Queue queue = queues.computeIfAbsent(row.queue(), q -> createQueue(session, q));
                        long t1 = System.nanoTime();
                        producer.send(queue, message);
                        send += System.nanoTime() - t1;
                    }
                    if (transacted) {
                        long t2 = System.nanoTime();
                        session.commit();
                        commit += System.nanoTime() - t2;
                    }
                    long t3 = System.nanoTime();
                    if (step == 1) {
                        outbox.markSent(chunk.get(0).seq());
                    } else {
                        // Nested transact calls join the outer one: the whole chunk is one SQLite commit.
                        store.transact(c -> {
                            chunk.forEach(row -> outbox.markSent(row.seq()));
                            return null;
                        });
                    }
                    mark += System.nanoTime() - t3;
                    sent += chunk.size();
                }
                deadline.check("running the " + variant + " prototype (" + sent + " sent)");
            }
            return new Result(variant, step, sent, System.nanoTime() - start, read, send, commit, mark);
        }
    }

    private static Queue createQueue(Session session, String name) {
        try {
            return session.createQueue(name);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
