package id.ektp.hub.across;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.broker.EmbeddedBroker.ReceivedMessage;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.testing.Contracts;
import id.ektp.hub.testing.HubTestEnvironment;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox relay in chunks against a real broker: what the broker refuses is parked (and an admin
 * retries or drops it) while the rest flows on, and a crash between the broker's commit and ours
 * resends at most one chunk under the same ids.
 */
class OutboxRelayTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String LOANS = "EKTP.STOCK.LOANS.";

    @TempDir
    Path root;
    HubTestEnvironment env;
    EmbeddedBroker broker;

    @AfterEach
    void stop() {
        env.close();
    }

    /** Rows raised into the hub's outbox before it starts, as the hub raises them; returns their ids in order. */
    private List<String> raise(List<String> queues) throws Exception {
        List<String> ids = new ArrayList<>();
        try (HubStore store = HubStore.open(env.dataDir())) {
            Outbox outbox = new Outbox(store, Clock.systemUTC());
            for (String queue : queues) {
                String id = UUID.randomUUID().toString();
                outbox.raise(id, queue, "ektp.test/1", "{\"schema\":\"ektp.test/1\",\"id\":\"" + id + "\"}");
                ids.add(id);
            }
        }
        return ids;
    }

    private static List<String> ids(List<ReceivedMessage> messages) {
        return messages.stream().map(m -> (String) m.property(Queues.MESSAGE_ID)).toList();
    }

    private List<ReceivedMessage> awaitMessages(String queue, int count) {
        List<ReceivedMessage> got = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            got.addAll(broker.receiveAll(queue, Duration.ofMillis(200)));
            return got.size() >= count;
        });
        return got;
    }

    private HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort() + path))
                .timeout(Duration.ofSeconds(20)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return Contracts.http() // every /api call checked against openapi.json
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> trail(String messageId) {
        try (HubStore store = HubStore.openReadOnly(env.dataDir())) {
            return store.read(c -> {
                List<String> events = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT event FROM audit WHERE subject = ? ORDER BY seq")) {
                    ps.setString(1, "message:" + messageId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            events.add(rs.getString(1));
                        }
                    }
                }
                return events;
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMessageTheBrokerRefusesInsideAChunkIsParkedAloneAndTheRestFlowsOnInOrder() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        // The ministry creates the loan queues of real regencies; a hub may not create others.
        broker = env.withBroker(b -> b.username("reg3310").password("test-secret")
                .refuseNewQueues(LOANS + ">").queues(LOANS + "3309"));
        List<String> ids = raise(List.of(Queues.FAILURES, Queues.FAILURES, Queues.FAILURES, LOANS + "3399",
                LOANS + "3309", Queues.FAILURES, Queues.FAILURES, Queues.FAILURES));
        String mistyped = ids.get(3);
        Hub hub = env.startHub();

        await().atMost(PATIENCE).until(() -> hub.outbox().parkedCount() == 1);
        List<ReceivedMessage> failures = awaitMessages(Queues.FAILURES, 6);
        List<ReceivedMessage> loans = awaitMessages(LOANS + "3309", 1);
        await().atMost(PATIENCE).until(() -> hub.outbox().backlog().count() == 0);

        // Nothing of the chunk the broker did not take was kept or marked: each message once, in order.
        assertEquals(List.of(ids.get(0), ids.get(1), ids.get(2), ids.get(5), ids.get(6), ids.get(7)), ids(failures));
        assertEquals(List.of(ids.get(4)), ids(loans));
        assertTrue(broker.receiveAll(Queues.FAILURES, Duration.ofMillis(300)).isEmpty(), "nothing sent twice");
        Outbox.Raised parked = hub.outbox().find(mistyped).orElseThrow();
        assertTrue(parked.parked());
        assertEquals(null, parked.sentAt(), "a refused message is never marked sent");
        assertEquals(OutboxRelay.REFUSALS, parked.attempts());
        assertTrue(parked.lastError().contains("not authorized to create: queue://" + LOANS + "3399"), parked.lastError());

        // It shows on the status API and in the list of parked messages, without a token.
        JsonNode status = Messages.json().readTree(env.httpGet("/api/status"));
        JsonNode shown = status.at("/backlogs/outbox/parked");
        assertEquals(1, shown.get("count").asInt(), shown.toString());
        assertEquals(mistyped, shown.at("/items/0/id").asText());
        assertEquals(LOANS + "3399", shown.at("/items/0/queue").asText());
        assertEquals(0, status.at("/backlogs/outbox/count").asInt(), "parked messages are not waiting ones");
        HttpResponse<String> list = call("GET", "/api/outbox/parked", null);
        assertEquals(200, list.statusCode(), list.body());
        assertEquals(mistyped, Messages.json().readTree(list.body()).at("/items/0/id").asText());

        // Retry needs the token; once the ministry has created the queue, the message goes, under its id.
        assertEquals(401, call("POST", "/api/outbox/" + mistyped + "/retry", null).statusCode());
        assertEquals(404, call("POST", "/api/outbox/no-such-id/retry", env.adminToken()).statusCode());
        assertEquals(409, call("POST", "/api/outbox/" + ids.get(0) + "/retry", env.adminToken()).statusCode(),
                "a sent message is not parked");
        broker.createQueue(LOANS + "3399");
        HttpResponse<String> retried = call("POST", "/api/outbox/" + mistyped + "/retry", env.adminToken());
        assertEquals(200, retried.statusCode(), retried.body());
        assertEquals(List.of(mistyped), ids(awaitMessages(LOANS + "3399", 1)));
        await().atMost(PATIENCE).until(() -> hub.outbox().find(mistyped).orElseThrow().sentAt() != null);
        assertEquals(List.of("RAISED", "PARKED", "RETRIED"), trail(mistyped));

        // Another mistyped neighbour, given up by an admin: dropped, never sent, kept in the trail.
        String dropped = hub.outbox().raise(LOANS + "3398", "ektp.test/1", "{\"schema\":\"ektp.test/1\"}");
        await().atMost(PATIENCE).until(() -> hub.outbox().parkedCount() == 1);
        assertEquals(401, call("DELETE", "/api/outbox/" + dropped, null).statusCode());
        HttpResponse<String> drop = call("DELETE", "/api/outbox/" + dropped, env.adminToken());
        assertEquals(200, drop.statusCode(), drop.body());
        assertEquals(409, call("DELETE", "/api/outbox/" + dropped, env.adminToken()).statusCode(), "dropped already");
        assertEquals(0, hub.outbox().parkedCount());
        Outbox.Raised gone = hub.outbox().find(dropped).orElseThrow();
        assertNotNull(gone.droppedAt());
        assertFalse(gone.parked());
        assertEquals(List.of("RAISED", "PARKED", "DROPPED"), trail(dropped));
    }

    @Test
    void aLinkFailureNeverParksAMessage() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        List<String> ids = raise(List.of(Queues.FAILURES, Queues.FAILURES, Queues.FAILURES));
        broker.stop();
        Hub hub = env.startHub();
        AtomicInteger retries = new AtomicInteger();
        EventNotifierSupport counter = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeRedeliveryEvent) {
                    retries.incrementAndGet();
                }
            }
        };
        hub.camelContext().getManagementStrategy().addEventNotifier(counter);
        ServiceHelper.startService(counter);
        // More failed tries with the broker down than a refused message gets before it is parked.
        await().atMost(PATIENCE).until(() -> retries.get() > OutboxRelay.REFUSALS);
        assertEquals(0, hub.outbox().parkedCount(), "a broker that is down refuses nothing");
        assertEquals(3, hub.outbox().backlog().count());
        broker.start();
        assertEquals(ids, ids(awaitMessages(Queues.FAILURES, 3)));
    }

    @Test
    void aCrashBetweenTheBrokersCommitAndOursResendsAtMostOneChunkUnderTheSameIds() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        int n = OutboxRelay.CHUNK * 2 + 50;
        List<String> queues = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            queues.add(Queues.FAILURES);
        }
        List<String> ids = raise(queues);
        try (HubStore side = HubStore.open(env.dataDir())) {
            // The hub "dies" after the broker committed the first chunk and before it could mark it sent.
            side.transact(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TRIGGER outbox_no_mark BEFORE UPDATE OF sent_at ON outbox"
                            + " WHEN NEW.sent_at IS NOT NULL BEGIN SELECT RAISE(ABORT, 'disk gone'); END");
                }
                return null;
            });
            Hub hub = env.startHub();
            await().atMost(PATIENCE).until(() -> broker.queueSize(Queues.FAILURES) == OutboxRelay.CHUNK);
            hub.close();
            assertEquals(n, new Outbox(side, Clock.systemUTC()).backlog().count(), "nothing was marked sent");
            side.transact(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("DROP TRIGGER outbox_no_mark");
                }
                return null;
            });
        }
        Hub again = env.startHub();
        List<ReceivedMessage> got = awaitMessages(Queues.FAILURES, n + OutboxRelay.CHUNK);
        await().atMost(PATIENCE).until(() -> again.outbox().backlog().count() == 0);
        assertTrue(broker.receiveAll(Queues.FAILURES, Duration.ofMillis(300)).isEmpty());

        // The first chunk twice, under the same ids and with the same bodies; every other message once.
        Map<String, Integer> copies = new HashMap<>();
        Map<String, String> bodies = new HashMap<>();
        for (ReceivedMessage m : got) {
            String id = (String) m.property(Queues.MESSAGE_ID);
            copies.merge(id, 1, Integer::sum);
            String earlier = bodies.putIfAbsent(id, m.text());
            assertTrue(earlier == null || earlier.equals(m.text()), "a resend carries the same message");
        }
        assertEquals(n, copies.size(), "every message arrived");
        for (int i = 0; i < n; i++) {
            assertEquals(i < OutboxRelay.CHUNK ? 2 : 1, copies.get(ids.get(i)), "copies of message " + i);
        }
    }

    /**
     * A drain marks chunk N sent while it sends chunk N+1, and has the broker commit N+1 only once N's
     * mark is durable. Here N = 2 cannot be marked (the hub "dies" between the broker's commit of N and
     * ours, with N+1 already sent into the open transaction): the broker must not commit N+1, so a
     * restart resends N alone, and nothing is marked sent that the broker does not have.
     */
    @Test
    void aChunkIsCommittedOnlyOnceTheChunkBeforeItIsMarkedSent() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        broker = env.withBroker();
        int n = OutboxRelay.CHUNK * 2 + 50;
        List<String> queues = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            queues.add(Queues.FAILURES);
        }
        List<String> ids = raise(queues);
        try (HubStore side = HubStore.open(env.dataDir())) {
            side.transact(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TRIGGER outbox_no_second_mark BEFORE UPDATE OF sent_at ON outbox"
                            + " WHEN NEW.sent_at IS NOT NULL AND OLD.seq > " + OutboxRelay.CHUNK
                            + " BEGIN SELECT RAISE(ABORT, 'disk gone'); END");
                }
                return null;
            });
            Hub hub = env.startHub();
            AtomicInteger retries = new AtomicInteger();
            EventNotifierSupport counter = new EventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) {
                    if (event instanceof CamelEvent.ExchangeRedeliveryEvent) {
                        retries.incrementAndGet();
                    }
                }
            };
            hub.camelContext().getManagementStrategy().addEventNotifier(counter);
            ServiceHelper.startService(counter);
            // The drain is over once the route retries the mark of chunk 2 on its own.
            await().atMost(PATIENCE).until(() -> retries.get() > 1);
            hub.close();
            assertEquals(2L * OutboxRelay.CHUNK, broker.queueSize(Queues.FAILURES), "chunk 3 was not committed");
            assertEquals(n - OutboxRelay.CHUNK, new Outbox(side, Clock.systemUTC()).backlog().count(),
                    "only chunk 1 is marked sent");
            side.transact(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("DROP TRIGGER outbox_no_second_mark");
                }
                return null;
            });
        }
        Hub again = env.startHub();
        List<ReceivedMessage> got = awaitMessages(Queues.FAILURES, n + OutboxRelay.CHUNK);
        await().atMost(PATIENCE).until(() -> again.outbox().backlog().count() == 0);
        assertTrue(broker.receiveAll(Queues.FAILURES, Duration.ofMillis(300)).isEmpty());

        Map<String, Integer> copies = new HashMap<>();
        for (ReceivedMessage m : got) {
            copies.merge((String) m.property(Queues.MESSAGE_ID), 1, Integer::sum);
        }
        assertEquals(n, copies.size(), "every message arrived");
        for (int i = 0; i < n; i++) {
            boolean second = i >= OutboxRelay.CHUNK && i < 2 * OutboxRelay.CHUNK;
            assertEquals(second ? 2 : 1, copies.get(ids.get(i)), "copies of message " + i);
        }
    }
}
