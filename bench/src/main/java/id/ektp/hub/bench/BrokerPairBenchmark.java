package id.ektp.hub.bench;

import id.ektp.hub.bench.OutboxPayloads.Payload;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * What one pair of networked ActiveMQ brokers takes on this machine (for {@code docs/scale.md}): an edge
 * broker A, where hubs send, bridged to a core broker C, where the ministry's consumer sits; both persistent
 * (KahaDB, journal fsync'd before each acknowledgement), loopback only. A producer on A sends N persistent
 * 1 KiB messages in transactions of 100 (as the hub's relay does); a consumer on C takes them. Timed: how fast
 * A takes them, and how fast they arrive at C (first to last). Each run also checks every message arrived,
 * once.
 *
 * <pre>bench/broker-pair-benchmark.sh [--messages N] [--runs R] [--out DIR] [--timeout-minutes M]</pre>
 * The last line is {@code RESULT broker-pair accepted=<msg/s> delivered=<msg/s>} (means over the runs).
 */
public final class BrokerPairBenchmark {
    private BrokerPairBenchmark() {}

    public static void main(String[] args) throws Exception {
        int messages = 20_000;
        int runs = 2;
        Path out = Path.of("bench/out/broker-pair");
        Duration patience = Duration.ofMinutes(15);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--timeout-minutes" -> patience = Duration.ofMinutes(Long.parseLong(args[++i]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --messages N, --runs R, --out DIR, --timeout-minutes M");
            }
        }
        double accepted = 0;
        double delivered = 0;
        for (int run = 1; run <= runs; run++) {
            Path dir = Files.createDirectories(out.toAbsolutePath().resolve("run-" + run));
            BenchIo.deleteTree(dir);
            double[] figures = runOnce(dir, OutboxPayloads.generate(messages, 77L + run), patience);
            System.out.printf(Locale.ROOT, "broker pair run %d: %d messages, A accepted %.0f msg/s, C delivered %.0f msg/s"
                    + " (load average %.2f)%n", run, messages, figures[0], figures[1], BenchIo.loadAverage());
            accepted += figures[0];
            delivered += figures[1];
            BenchIo.deleteTree(dir);
        }
        System.out.printf(Locale.ROOT, "RESULT broker-pair accepted=%.0f delivered=%.0f%n", accepted / runs,
                delivered / runs);
        System.exit(0);
    }

    private static double[] runOnce(Path dir, List<Payload> payloads, Duration patience) throws Exception {
        try (EmbeddedBroker core = EmbeddedBroker.builder().dataDir(dir.resolve("core")).name("core").networked().start();
             EmbeddedBroker edge = EmbeddedBroker.builder().dataDir(dir.resolve("edge")).name("edge")
                     .networkTo(core.url()).start()) {
            Set<String> arrived = ConcurrentHashMap.newKeySet();
            AtomicLong copies = new AtomicLong();
            AtomicLong first = new AtomicLong();
            AtomicLong last = new AtomicLong();
            try (Connection consumerConnection = core.connectionFactory().createConnection()) {
                Session consumerSession = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = consumerSession.createConsumer(consumerSession.createQueue(OutboxPayloads.QUEUE));
                consumer.setMessageListener(m -> {
                    long now = System.nanoTime();
                    first.compareAndSet(0, now);
                    last.set(now);
                    copies.incrementAndGet();
                    try {
                        arrived.add(m.getStringProperty("EktpMessageId"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                consumerConnection.start();
                // The bridge learns of C's consumer through advisories: wait until A would forward.
                long waitUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (edge.consumerCount(OutboxPayloads.QUEUE) == 0 && System.nanoTime() < waitUntil) {
                    LockSupport.parkNanos(10_000_000);
                }
                ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(edge.url());
                factory.setWatchTopicAdvisories(false);
                double acceptedRate;
                try (Connection connection = factory.createConnection();
                     Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                     MessageProducer producer = session.createProducer(session.createQueue(OutboxPayloads.QUEUE))) {
                    connection.start();
                    producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                    long start = System.nanoTime();
                    for (int i = 0; i < payloads.size(); i++) {
                        TextMessage message = session.createTextMessage(payloads.get(i).body());
                        message.setStringProperty("EktpMessageId", payloads.get(i).id());
                        producer.send(message);
                        if (i % 100 == 99 || i == payloads.size() - 1) {
                            session.commit();
                        }
                    }
                    acceptedRate = payloads.size() / BenchIo.seconds(System.nanoTime() - start);
                }
                long giveUp = System.nanoTime() + patience.toNanos();
                while (arrived.size() < payloads.size() && System.nanoTime() < giveUp) {
                    LockSupport.parkNanos(5_000_000);
                }
                if (arrived.size() < payloads.size() || copies.get() != payloads.size()) {
                    throw new BenchmarkFailure("broker pair: " + arrived.size() + " of " + payloads.size()
                            + " messages arrived at C, " + copies.get() + " copies");
                }
                double deliveredRate = (payloads.size() - 1) / BenchIo.seconds(last.get() - first.get());
                return new double[] {acceptedRate, deliveredRate};
            }
        }
    }
}
