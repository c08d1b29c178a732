package id.ektp.hub.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.across.OutboxRelay;
import id.ektp.hub.across.Queues;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.broker.EmbeddedBroker.ReceivedMessage;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox relay killed with SIGKILL in the middle of draining a backlog (chunks pipelined: one
 * being marked sent while the next is sent), then started again: no message is marked sent that the
 * broker does not have, the broker has at most one chunk the store does not know it sent, and after
 * the restart every message has arrived, the resent ones under their own ids, none more than twice.
 */
class OutboxKillAndRestartTest {
    private static final int MESSAGES = 6000;

    @TempDir
    Path root;
    HubTestEnvironment env;
    HubProcess hub;

    @AfterEach
    void stop() throws InterruptedException {
        if (hub != null) {
            hub.close();
        }
        env.close();
    }

    @Test
    void killedWhileDrainingTheBrokerHasAtMostOneChunkUnmarkedAndEveryMessageArrives() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        EmbeddedBroker broker = env.withBroker();
        env.config();
        List<String> ids = new ArrayList<>();
        try (HubStore store = HubStore.open(env.dataDir())) {
            Outbox outbox = new Outbox(store, Clock.systemUTC());
            for (int i = 0; i < MESSAGES; i++) {
                String id = UUID.randomUUID().toString();
                outbox.raise(id, Queues.FAILURES, "ektp.test/1", "{\"schema\":\"ektp.test/1\",\"id\":\"" + id + "\"}");
                ids.add(id);
            }
        }
        hub = new HubProcess(root.resolve("hub.yaml"), root.resolve("hub.log"));
        hub.killWhen(() -> broker.queueSize(Queues.FAILURES) >= MESSAGES / 4);

        Set<String> marked = markedSent();
        long onBroker = broker.queueSize(Queues.FAILURES);
        List<ReceivedMessage> before = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            before.addAll(broker.receiveAll(Queues.FAILURES, Duration.ofMillis(200)));
            return before.size() >= onBroker;
        });
        Set<String> stored = new HashSet<>();
        before.forEach(m -> stored.add((String) m.property(Queues.MESSAGE_ID)));
        assertTrue(stored.size() < MESSAGES, "killed before the end of the drain (" + stored.size() + " on the broker)");
        Set<String> notStored = new HashSet<>(marked);
        notStored.removeAll(stored);
        assertEquals(Set.of(), notStored, "marked sent but not on the broker");
        assertTrue(stored.size() - marked.size() <= OutboxRelay.CHUNK,
                (stored.size() - marked.size()) + " messages on the broker not marked sent: more than one chunk");

        hub.start();
        List<ReceivedMessage> after = new ArrayList<>();
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            after.addAll(broker.receiveAll(Queues.FAILURES, Duration.ofMillis(200)));
            return markedSent().size() == MESSAGES;
        });
        after.addAll(broker.receiveAll(Queues.FAILURES, Duration.ofMillis(300)));

        Map<String, Integer> copies = new HashMap<>();
        for (ReceivedMessage m : before) {
            copies.merge((String) m.property(Queues.MESSAGE_ID), 1, Integer::sum);
        }
        for (ReceivedMessage m : after) {
            copies.merge((String) m.property(Queues.MESSAGE_ID), 1, Integer::sum);
        }
        assertEquals(new HashSet<>(ids), copies.keySet(), "every message arrived, under its own id");
        long twice = copies.values().stream().filter(c -> c == 2).count();
        assertTrue(copies.values().stream().allMatch(c -> c <= 2), "no message more than twice");
        assertEquals(stored.size() - marked.size(), twice, "the resent ones are those the store did not know it sent");
    }

    private Set<String> markedSent() throws Exception {
        try (HubStore store = HubStore.openReadOnly(env.dataDir())) {
            return store.read(c -> {
                Set<String> sent = new HashSet<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT message_id FROM outbox WHERE sent_at IS NOT NULL");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sent.add(rs.getString(1));
                    }
                }
                return sent;
            });
        }
    }
}
