package id.ektp.hub.across;

import id.ektp.hub.connectors.ministry.BrokerChunk;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.OutboxMessage;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bookkeeping of the outbox relay ({@link AcrossRoutes#OUTBOX}): which messages go next, in
 * one JMS transaction, that they were sent, and what to do when the broker did not take them.
 *
 * <p>Normally the next {@value #CHUNK} pending messages go as one chunk. A chunk the broker did not
 * take is not retried as a chunk: its messages are then sent one at a time, up to its last one, so
 * that a message the broker refuses is found and only that one counts a refusal. A refusal is the
 * broker saying no to that message (an authorization or destination error that names the
 * message's queue); anything else, a lost link above all, is retried for as long as it takes and
 * never parks anything: the ministry may be unreachable for days.
 *
 * <p>A backlog drains in one exchange ({@link #drain}), chunk after chunk on one transacted session,
 * with the store's work on a thread of its own so that it overlaps the broker's: chunk N is marked
 * sent while chunk N+1's messages go out, and the chunk after that is read while the broker commits
 * N+1. The broker commits N+1 only once N's mark is durable, so a crash still leaves at most one
 * chunk that the broker has and the store does not know it sent.
 */
public final class OutboxRelay {
    /** Most messages in one JMS transaction; also the most a crash can make the hub send twice. */
    public static final int CHUNK = 100;
    /** Refusals of one message before it is parked (tries spread over ~15 s by the route's backoff). */
    public static final int REFUSALS = 5;
    /** The exchange property holding the rows of the chunk being sent. */
    static final String SENDING = "ektpOutboxSending";
    /**
     * How long one exchange goes on draining a backlog: long enough that Camel's cost per exchange
     * is nothing beside it, short enough that a stop or the link's status does not wait for it.
     */
    static final long DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final Outbox outbox;
    private final String regencyCode;
    /** Messages up to this seq go one at a time: the rest of a chunk the broker did not take. */
    private volatile long oneAtATimeThrough = -1;
    /** The store's side of a drain (marking a chunk sent, reading the next); made on the first drain. */
    private ExecutorService storeThread;

    public OutboxRelay(Outbox outbox, String regencyCode) {
        this.outbox = outbox;
        this.regencyCode = regencyCode;
    }

    /** The oldest pending messages (a chunk, or one); tells the scheduler whether there was anything to do. */
    public List<OutboxMessage> next(Exchange exchange) {
        List<OutboxMessage> batch = outbox.pending(CHUNK);
        if (!batch.isEmpty() && batch.get(0).seq() <= oneAtATimeThrough) {
            batch = batch.subList(0, 1);
        }
        exchange.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, !batch.isEmpty());
        exchange.setProperty(SENDING, batch);
        return batch;
    }

    /**
     * Sends the chunk {@link #next} read and, while full chunks follow and for at most
     * {@link #DRAIN_NANOS}, the chunks behind it, each in its own JMS transaction on one session.
     * The store works beside the broker (see the class comment). Leaves in {@link #SENDING} the
     * last chunk the broker committed whose mark is not known to be durable: {@link #sent} marks it.
     * When the broker does not take a chunk, that chunk is left there and the failure thrown (for
     * {@link #notTaken}); a chunk the broker committed is always marked before the next is committed.
     */
    public void drain(Exchange exchange, BrokerChunk chunks) throws Exception {
        List<OutboxMessage> chunk = sending(exchange);
        long until = System.nanoTime() + DRAIN_NANOS;
        ExecutorService store = storeThread(exchange.getContext());
        List<OutboxMessage> marking = List.of(); // committed by the broker, being marked on the store thread
        Future<?> mark = null;
        try (BrokerChunk.Transactions broker = chunks.open()) {
            while (true) {
                try {
                    broker.send(toBroker(chunk));
                } catch (Exception failure) {
                    // The broker has none of this chunk; the one before is marked before anything else.
                    if (durable(mark)) {
                        exchange.setProperty(SENDING, chunk);
                        throw failure;
                    }
                    exchange.setProperty(SENDING, marking);
                    return;
                }
                if (!durable(mark)) {
                    // The store could not mark the chunk before: nothing more goes until it has.
                    broker.rollback();
                    exchange.setProperty(SENDING, marking);
                    return;
                }
                boolean more = chunk.size() == CHUNK && System.nanoTime() < until;
                long last = chunk.get(chunk.size() - 1).seq();
                Future<List<OutboxMessage>> following = more ? store.submit(() -> outbox.pendingAfter(last, CHUNK)) : null;
                exchange.setProperty(SENDING, chunk);
                broker.commit(); // on failure: rolled back and thrown, this chunk in SENDING
                List<OutboxMessage> next = following == null ? List.of() : read(following);
                if (next.isEmpty()) {
                    return;
                }
                List<OutboxMessage> committed = chunk;
                mark = store.submit(() -> markSent(committed));
                marking = committed;
                chunk = next;
            }
        }
    }

    /** The chunk's rows as the JMS text messages ICD §3 describes. */
    private List<BrokerChunk.Outgoing> toBroker(List<OutboxMessage> chunk) {
        return chunk.stream().map(row -> new BrokerChunk.Outgoing(row.queue(), row.body(),
                Map.of(Queues.MESSAGE_ID, row.messageId(), Queues.TYPE, row.type(), Queues.REGENCY, regencyCode)))
                .toList();
    }

    /** After the broker committed the chunk: all of it marked sent in one store transaction. */
    public void sent(Exchange exchange) {
        // A failure here is the store's, not the broker's: this step alone is retried, nothing is resent.
        markSent(sending(exchange));
    }

    private void markSent(List<OutboxMessage> chunk) {
        if (!chunk.isEmpty()) {
            outbox.markSent(chunk.stream().map(OutboxMessage::seq).toList());
        }
    }

    /** Whether the mark on the store thread went through (no mark: nothing to wait for). */
    private static boolean durable(Future<?> mark) throws InterruptedException {
        if (mark == null) {
            return true;
        }
        try {
            mark.get();
            return true;
        } catch (ExecutionException e) {
            LOG.warn("Could not mark a chunk of outbox messages sent: {}; marking it again before the next chunk",
                    describe(e.getCause()));
            return false;
        }
    }

    /** The next chunk, or none if the store could not read it (the next poll reads again). */
    private static List<OutboxMessage> read(Future<List<OutboxMessage>> following) throws InterruptedException {
        try {
            return following.get();
        } catch (ExecutionException e) {
            return List.of();
        }
    }

    private synchronized ExecutorService storeThread(CamelContext camel) {
        if (storeThread == null) {
            // Camel's manager owns the thread: it is shut down with the context.
            storeThread = camel.getExecutorServiceManager().newSingleThreadExecutor(this, "OutboxStore");
        }
        return storeThread;
    }

    /**
     * The broker did not take what was sent; nothing of it was stored (the transaction rolled back).
     * A chunk: its messages go one at a time from the next poll on (returns). A message the broker
     * refused: {@link Refused} is thrown, to be retried with the route's backoff, until the
     * {@value #REFUSALS}th refusal parks it (returns). Anything else, a lost link above all, is
     * thrown again as it was, to be retried for as long as it takes.
     */
    public void notTaken(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        List<OutboxMessage> batch = sending(exchange);
        if (batch.size() > 1) {
            oneAtATimeThrough = batch.get(batch.size() - 1).seq();
            LOG.warn("The ministry broker did not take a chunk of {} outbox messages ({}); sending them one at a time",
                    batch.size(), describe(failure));
            return;
        }
        OutboxMessage row = batch.get(0);
        Optional<String> refusal = refusal(failure, row.queue());
        if (refusal.isEmpty()) {
            throw failure;
        }
        int refusals = outbox.refused(row.seq(), refusal.get());
        if (refusals < REFUSALS) {
            throw new Refused("the ministry broker refused outbox message " + row.messageId() + " (" + row.type()
                    + " to " + row.queue() + "), refusal " + refusals + " of " + REFUSALS + " before it is parked: "
                    + refusal.get());
        }
        if (outbox.park(row.seq(), refusal.get())) {
            LOG.warn("Outbox message {} ({} to {}) refused {} times by the ministry broker: {}. Parked; the messages"
                    + " behind it go on. An admin retries it (POST /api/outbox/{}/retry) or drops it (DELETE /api/outbox/{})",
                    row.messageId(), row.type(), row.queue(), refusals, refusal.get(), row.messageId(), row.messageId());
        }
    }

    /**
     * A refusal before the last: retried with the route's backoff. Not a JMS exception (its cause is
     * left out on purpose): the broker answered, so the link is not down.
     */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The broker's refusal of a message to {@code queue}: an authorization or destination error
     * naming that queue (ActiveMQ names the destination it refuses: "User x is not authorized to
     * create: queue://Q"). A refused login names no queue, so it is a link failure, not a refusal.
     */
    static Optional<String> refusal(Throwable failure, String queue) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            boolean refusalKind = t instanceof SecurityException || t instanceof JMSSecurityException
                    || t instanceof InvalidDestinationException;
            if (refusalKind && t.getMessage() != null && t.getMessage().contains(queue)) {
                return Optional.of(t.getMessage());
            }
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static List<OutboxMessage> sending(Exchange exchange) {
        List<OutboxMessage> batch = exchange.getProperty(SENDING, List.class);
        return batch == null ? List.of() : batch;
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == null ? "no reason given" : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
