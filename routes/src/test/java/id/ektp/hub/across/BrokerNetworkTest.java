package id.ektp.hub.across;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.testing.HubTestEnvironment;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ministry's broker as a network of brokers: two brokers the hub knows through one failover URL
 * (A, B), each bridged to a third (C) where the ministry's consumer sits, all persistent (KahaDB). The
 * broker the hub is connected to is stopped in the middle of a backlog drain.
 */
class BrokerNetworkTest {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerNetworkTest.class);
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final int BACKLOG = 4000;

    @TempDir
    Path root;
    HubTestEnvironment env;
    final List<EmbeddedBroker> brokers = new ArrayList<>();
    Connection consumerConnection;

    @AfterEach
    void stop() throws Exception {
        if (consumerConnection != null) {
            consumerConnection.close();
        }
        env.close();
        brokers.forEach(EmbeddedBroker::close);
    }

    private EmbeddedBroker broker(String name, EmbeddedBroker.Builder builder) {
        EmbeddedBroker broker = builder.dataDir(root.resolve(name)).port(0).name(name).start();
        brokers.add(broker);
        return broker;
    }

    /** The ministry's consumer on broker C: every copy of every message, by EktpMessageId. */
    private Map<String, List<String>> consume(EmbeddedBroker c, String queue) throws Exception {
        Map<String, List<String>> received = new ConcurrentHashMap<>();
        consumerConnection = c.connectionFactory().createConnection();
        Session session = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
        consumer.setMessageListener(m -> {
            try {
                received.computeIfAbsent(m.getStringProperty(Queues.MESSAGE_ID), id -> new CopyOnWriteArrayList<>())
                        .add(((TextMessage) m).getText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        consumerConnection.start();
        return received;
    }

    private static String allocation(String id) {
        return "{\"schema\":\"ektp.stock-allocation/1\",\"allocationId\":\"" + id + "\",\"regencyCode\":\"33.10\","
                + "\"quantity\":100,\"serialFrom\":\"BLK2026A0000001\",\"serialTo\":\"BLK2026A0000100\","
                + "\"shippedAt\":\"2026-11-20T10:00:00+07:00\"}";
    }

    @Test
    void theHubGoesOnThroughAnotherBrokerAndWhatWasStrandedArrivesOnceItIsBack() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        EmbeddedBroker c = broker("ministry-c", EmbeddedBroker.builder().networked());
        EmbeddedBroker a = broker("ministry-a", EmbeddedBroker.builder().networkTo(c.url()));
        EmbeddedBroker b = broker("ministry-b", EmbeddedBroker.builder().networkTo(c.url()));
        // randomize=false: the hub starts on A, so the test knows which broker to stop.
        env.withBrokerUrl("failover:(" + a.url() + "," + b.url() + ")?randomize=false&maxReconnectDelay=1000");
        Map<String, List<String>> received = consume(c, Queues.FAILURES);

        List<String> ids = new ArrayList<>();
        try (HubStore store = HubStore.open(env.dataDir())) {
            Outbox outbox = new Outbox(store, Clock.systemUTC());
            for (int i = 0; i < BACKLOG; i++) {
                String id = UUID.randomUUID().toString();
                outbox.raise(id, Queues.FAILURES, Queues.FAILURE_REPORT,
                        "{\"schema\":\"ektp.failure-report/1\",\"reportId\":\"" + id + "\",\"n\":" + i + "}");
                ids.add(id);
            }
        }
        Hub hub = env.startHub();
        // Allocations are consumed through the same failover URL: one announced on C reaches the hub on A.
        c.send(Queues.allocations("3310"), allocation("ALLOC-BEFORE"), Map.of(Queues.MESSAGE_ID, "m-before"));

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
                .until(() -> hub.outbox().backlog().count() <= BACKLOG - 400);
        a.stop();
        long leftWhenStopped = hub.outbox().backlog().count();
        LOG.info("Broker A stopped with {} of {} messages still in the hub's outbox", leftWhenStopped, BACKLOG);
        assertTrue(leftWhenStopped > 0, "A was stopped in the middle of the drain");

        await().atMost(PATIENCE).until(() -> hub.outbox().backlog().count() == 0);
        int beforeRestart = received.size();
        c.send(Queues.allocations("3310"), allocation("ALLOC-AFTER"), Map.of(Queues.MESSAGE_ID, "m-after"));
        await().atMost(PATIENCE).until(() -> hub.ledger().allocation("ALLOC-AFTER").isPresent());
        assertTrue(hub.ledger().allocation("ALLOC-BEFORE").isPresent(), "the allocation announced before the stop");

        a.start(); // what it stored and had not yet passed on to C goes on now
        await().atMost(PATIENCE).until(() -> received.size() == BACKLOG);
        LOG.info("{} distinct messages had reached C before A came back, {} after", beforeRestart, BACKLOG);

        int copies = 0;
        for (String id : ids) {
            List<String> bodies = received.get(id);
            assertTrue(bodies != null, "message " + id + " arrived");
            assertTrue(bodies.stream().distinct().count() == 1, "every copy of " + id + " is the same message");
            copies += bodies.size();
        }
        int resent = copies - BACKLOG;
        LOG.info("{} messages arrived twice under the same EktpMessageId (ICD §3 allows it)", resent);
        // At most the chunk in flight when A stopped: the broker committed it, the hub did not hear so.
        assertTrue(resent <= OutboxRelay.CHUNK, resent + " messages arrived twice");
        assertTrue(received.values().stream().allMatch(bodies -> bodies.size() <= 2), "no message thrice");
        assertEquals(0, hub.outbox().parkedCount(), "a broker going away refuses nothing");
    }
}
