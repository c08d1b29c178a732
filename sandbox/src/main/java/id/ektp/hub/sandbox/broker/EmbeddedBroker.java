package id.ektp.hub.sandbox.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.Locker;
import org.apache.activemq.broker.TransportConnector;
import org.apache.activemq.broker.region.Destination;
import org.apache.activemq.broker.region.policy.PolicyEntry;
import org.apache.activemq.broker.region.policy.PolicyMap;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.network.NetworkConnector;
import org.apache.activemq.broker.BrokerFilter;
import org.apache.activemq.broker.ConnectionContext;
import org.apache.activemq.filter.DestinationFilter;
import org.apache.activemq.security.AuthenticationUser;
import org.apache.activemq.security.SimpleAuthenticationPlugin;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.activemq.store.kahadb.disk.journal.Journal.JournalDiskSyncStrategy;
import org.apache.activemq.usage.SystemUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ActiveMQ Classic broker standing in for the ministry's (Kementerian Dalam Negeri) broker in tests and in
 * the {@code sandbox} demo mode.
 *
 * <p>It is as durable as the real one: messages are persistent in KahaDB under {@code dataDir}, with the journal
 * synced to disk before a send is acknowledged, so whatever a producer saw acknowledged survives a
 * {@link #stop()} (or a kill) and is there again after {@link #start()}. It listens on
 * {@code tcp://127.0.0.1:<port>} only, with no JMX, no shutdown hook, no advisories (unless networked) and no scheduler. With
 * {@link Builder#username(String) credentials} every client must present them (anonymous and wrong
 * credentials are refused); without, anyone may connect.
 *
 * <p>A stopped {@code BrokerService} cannot be started again, so each {@link #start()} builds a fresh one on the
 * same data directory and the same port (the one first chosen when the builder said port 0): clients'
 * URLs stay valid across a "ministry down for days" stop and start.
 *
 * <p>Limits are modest for small machines: 64 MiB memory, 1 GiB store, 256 MiB temp store. Producer flow control
 * is off, so a producer never blocks on memory; should the store fill up, sends fail at once
 * ({@code ResourceAllocationException}) rather than hang.
 *
 * <p>The helpers ({@link #send}, {@link #browse}, {@link #receiveAll}) each open a short-lived client connection
 * over TCP with the configured credentials, and throw {@link JMSRuntimeException} (a
 * {@link JMSSecurityRuntimeException} when refused) on failure, e.g. while the broker is stopped.
 *
 * <p>Two things a real ministry broker does can be asked of the builder: refusing to create queues a client
 * names ({@link Builder#refuseNewQueues(String)}: a mistyped neighbour's loan queue), and being one broker of a
 * network ({@link Builder#networkTo(String...)}: duplex network connectors, with advisories on, as network
 * bridges need them).
 *
 * <p>Thread-safe: lifecycle methods are serialised on this object; helpers may be called from any thread.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    static final long MEMORY_LIMIT = 64L << 20;
    static final long STORE_LIMIT = 1L << 30;
    static final long TEMP_LIMIT = 256L << 20;
    /** Most messages one {@link #browse(String)} returns (ActiveMQ pages browsed messages into memory). */
    public static final int MAX_BROWSE = 10_000;
    /**
     * Most messages {@link #receiveAll} takes in one transaction; below the broker's page size (200): a queue
     * pages in its next messages only once earlier ones are acknowledged, so one transaction over a longer
     * queue got its first 200 and waited in vain for the rest (as {@code bench}'s OutboxQueueCheck knew).
     */
    static final int RECEIVE_PAGE = 100;
    /** How long {@link #receiveAll} waits for each message after the first, which the broker has counted. */
    static final Duration NEXT_MESSAGE_TIMEOUT = Duration.ofSeconds(5);

    private final Path dataDir;
    private final String name;
    private final String username;
    private final String password;
    private final String refusedNewQueues;
    private final List<String> queues;
    private final List<String> networkTo;
    private final boolean networked;

    private volatile int port;
    private volatile BrokerService broker; // null while stopped; replaced on every start

    private EmbeddedBroker(Builder builder) {
        this.dataDir = builder.dataDir.toAbsolutePath();
        this.name = builder.name;
        this.port = builder.port;
        this.username = builder.username;
        this.password = builder.password;
        this.refusedNewQueues = builder.refusedNewQueues;
        this.queues = List.copyOf(builder.queues);
        this.networkTo = List.copyOf(builder.networkTo);
        this.networked = builder.networked || !builder.networkTo.isEmpty();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker (idempotent). The first start binds the configured port (0 picks a free one); later
     * starts bind that same port again and recover every persisted message from {@code dataDir}.
     *
     * @throws IllegalStateException if the broker cannot start: the port is taken, or {@code dataDir} is locked
     *     by another broker (this one is never left waiting for the lock)
     */
    public synchronized EmbeddedBroker start() {
        if (broker != null) {
            return this;
        }
        BrokerService service;
        TransportConnector connector;
        try {
            Files.createDirectories(dataDir);
            service = newBrokerService();
            connector = service.addConnector("tcp://127.0.0.1:" + port);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare broker " + name + " in " + dataDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot configure broker " + name, e);
        }
        try {
            service.start();
            URI bound = connector.getConnectUri();
            this.port = bound.getPort();
        } catch (Exception e) {
            // BrokerService stops itself when start fails; stopping again releases whatever it still holds
            // (KahaDB lock, listening socket) and is harmless otherwise.
            stopQuietly(service);
            throw new IllegalStateException("Cannot start broker " + name + " on tcp://127.0.0.1:" + port
                    + " with data in " + dataDir, e);
        }
        this.broker = service;
        LOG.info("Broker {} listening on {} (KahaDB in {}, {})", name, url(), dataDir,
                username == null ? "no authentication" : "user " + username);
        return this;
    }

    /**
     * Stops the broker and drops every client connection (idempotent). Returns once the listening socket is
     * closed and the KahaDB store (and its lock) released, so {@link #start()} may follow at once.
     */
    public synchronized void stop() {
        BrokerService service = broker;
        if (service == null) {
            return;
        }
        broker = null;
        stopQuietly(service);
        LOG.info("Broker {} on {} stopped", name, url());
    }

    /** Stops, then starts again on the same port with the same data: a broker outage and its end. */
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() {
        BrokerService service = broker;
        return service != null && service.isStarted();
    }

    /** The broker's client URL, {@code tcp://127.0.0.1:<port>}. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The bound port (the chosen one after a start with port 0); unchanged by restarts. */
    public int port() {
        return port;
    }

    public String name() {
        return name;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * A new, unpooled connection factory for {@link #url()} with the configured credentials (if any), advisory
     * watching off (the broker has none) and every send synchronous.
     */
    public ActiveMQConnectionFactory connectionFactory() {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(username, password, url());
        factory.setWatchTopicAdvisories(false);
        factory.setAlwaysSyncSend(true);
        return factory;
    }

    /** Sends one persistent text message, returning once the broker has stored it. */
    public void send(String queue, String text, Map<String, ?> properties) {
        Objects.requireNonNull(queue, "queue");
        Map<String, ?> props = properties == null ? Map.of() : properties;
        withSession(false, "send to " + queue, session -> {
            try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                TextMessage message = session.createTextMessage(text);
                for (Map.Entry<String, ?> property : props.entrySet()) {
                    message.setObjectProperty(property.getKey(), property.getValue());
                }
                producer.send(message);
            }
            return null;
        });
    }

    /**
     * The messages now on {@code queue}, oldest first, without consuming them (a {@link QueueBrowser}). At most
     * {@link #MAX_BROWSE}; messages delivered to a consumer but not yet acknowledged are included.
     */
    public List<ReceivedMessage> browse(String queue) {
        Objects.requireNonNull(queue, "queue");
        return withSession(false, "browse " + queue, session -> {
            List<ReceivedMessage> messages = new ArrayList<>();
            try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                // ActiveMQ's enumeration waits for the broker's end-of-browse marker, so it is complete, not
                // just whatever had arrived so far.
                for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements();) {
                    messages.add(ReceivedMessage.of((Message) e.nextElement()));
                }
            }
            return List.copyOf(messages);
        });
    }

    /**
     * Consumes every message now on {@code queue}, oldest first, in transactions of up to {@link #RECEIVE_PAGE}
     * messages, the last committed before this returns (so {@link #queueSize(String)} no longer counts them).
     *
     * <p>Waits up to {@code waitForFirst} for the first message (zero or negative: no wait, which may miss
     * messages the broker has not dispatched yet) and returns an empty list if none comes. Then it takes as
     * many more as the broker counted on the queue at that moment; messages arriving meanwhile may be included.
     * Another consumer on the same queue makes it come back short after {@link #NEXT_MESSAGE_TIMEOUT}.
     */
    public List<ReceivedMessage> receiveAll(String queue, Duration waitForFirst) {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(waitForFirst, "waitForFirst");
        return withSession(true, "receive from " + queue, session -> {
            List<ReceivedMessage> messages = new ArrayList<>();
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
                long firstMillis = waitForFirst.toMillis();
                Message first = firstMillis > 0 ? consumer.receive(firstMillis) : consumer.receiveNoWait();
                if (first == null) {
                    return List.of();
                }
                messages.add(ReceivedMessage.of(first));
                // Nothing is acknowledged until the commit, so the broker's count is still everything there.
                long expected = queueSize(queue);
                while (messages.size() < expected) {
                    if (messages.size() % RECEIVE_PAGE == 0) {
                        session.commit(); // so that the broker pages in the messages behind these
                    }
                    Message next = consumer.receive(NEXT_MESSAGE_TIMEOUT.toMillis());
                    if (next == null) {
                        LOG.warn("Broker {}: queue {} counted {} messages but only {} arrived (another consumer?)",
                                name, queue, expected, messages.size());
                        break;
                    }
                    messages.add(ReceivedMessage.of(next));
                }
            }
            session.commit(); // a synchronous request: the broker has removed them when it returns
            return List.copyOf(messages);
        });
    }

    /**
     * The consumers of {@code queue} on this broker, a network bridge's included (how a broker of a network shows
     * that another has asked for the queue's messages); 0 for a queue that does not exist.
     */
    public int consumerCount(String queue) {
        BrokerService service = broker;
        if (service == null || !service.isStarted()) {
            throw new IllegalStateException("Broker " + name + " is not running");
        }
        Destination destination = service.getRegionBroker().getDestinationMap().get(new ActiveMQQueue(queue));
        return destination == null ? 0 : destination.getConsumers().size();
    }

    /** Creates {@code queue} as the broker's administrator would (allowed whatever {@link Builder#refuseNewQueues} says). */
    public void createQueue(String queue) {
        BrokerService service = broker;
        if (service == null || !service.isStarted()) {
            throw new IllegalStateException("Broker " + name + " is not running");
        }
        try {
            service.getRegionBroker().addDestination(service.getAdminConnectionContext(), new ActiveMQQueue(queue), true);
        } catch (Exception e) {
            throw new IllegalStateException("Broker " + name + " cannot create queue " + queue, e);
        }
    }

    /**
     * The number of messages on {@code queue} (including delivered but unacknowledged ones), from the broker's
     * destination statistics; 0 for a queue that does not exist. Does not create the queue.
     *
     * @throws IllegalStateException if the broker is not running
     */
    public long queueSize(String queue) {
        Objects.requireNonNull(queue, "queue");
        BrokerService service = broker;
        if (service == null || !service.isStarted()) {
            throw new IllegalStateException("Broker " + name + " is not running");
        }
        Destination destination = service.getRegionBroker().getDestinationMap().get(new ActiveMQQueue(queue));
        return destination == null ? 0 : destination.getDestinationStatistics().getMessages().getCount();
    }

    private BrokerService newBrokerService() throws Exception {
        BrokerService service = new BrokerService();
        service.setBrokerName(name);
        service.setPersistent(true);
        service.setUseJmx(false);
        service.setUseShutdownHook(false);
        // Network bridges learn of consumers through advisory topics; a lone broker needs none.
        service.setAdvisorySupport(networked);
        service.setSchedulerSupport(false);
        service.setDataDirectoryFile(dataDir.toFile());
        service.setTmpDataDirectory(dataDir.resolve("tmp_storage").toFile());

        KahaDBPersistenceAdapter kahaDb = new KahaDBPersistenceAdapter();
        kahaDb.setDirectory(dataDir.resolve("kahadb").toFile());
        // fsync the journal before acknowledging a send (KahaDB's default, made explicit: it is the point).
        kahaDb.setJournalDiskSyncStrategy(JournalDiskSyncStrategy.ALWAYS.name());
        // Smaller journal files than the 32 MiB default: less disk held by a mostly idle sandbox broker.
        kahaDb.setJournalMaxFileLength(8 << 20);
        // A locked store means another broker (likely an unstopped one in this JVM) owns dataDir: fail at once
        // instead of KahaDB's default of retrying every 10 s forever.
        Locker locker = kahaDb.createDefaultLocker();
        locker.setFailIfLocked(true);
        kahaDb.setLocker(locker);
        service.setPersistenceAdapter(kahaDb);

        SystemUsage usage = service.getSystemUsage();
        usage.getMemoryUsage().setLimit(MEMORY_LIMIT);
        usage.getStoreUsage().setLimit(STORE_LIMIT);
        usage.getTempUsage().setLimit(TEMP_LIMIT);
        usage.setSendFailIfNoSpace(true);

        PolicyEntry queues = new PolicyEntry();
        queues.setQueue(">");
        queues.setProducerFlowControl(false);
        queues.setMaxBrowsePageSize(MAX_BROWSE);
        PolicyEntry topics = new PolicyEntry();
        topics.setTopic(">");
        topics.setProducerFlowControl(false);
        PolicyMap policies = new PolicyMap();
        policies.setPolicyEntries(List.of(queues, topics));
        service.setDestinationPolicy(policies);

        if (username != null) {
            SimpleAuthenticationPlugin authentication =
                    new SimpleAuthenticationPlugin(List.of(new AuthenticationUser(username, password, "users")));
            authentication.setAnonymousAccessAllowed(false);
            service.setPlugins(refusedNewQueues == null ? new BrokerPlugin[] {authentication}
                    : new BrokerPlugin[] {authentication, refusingNewQueues()});
        }
        service.setDestinations(this.queues.stream().map(ActiveMQQueue::new).toArray(ActiveMQDestination[]::new));
        for (String peer : networkTo) {
            // Duplex: one connection carries both directions, so the peer needs no connector of its own.
            NetworkConnector bridge = service.addNetworkConnector(
                    "static:(" + peer + ")?initialReconnectDelay=200&maxReconnectDelay=1000&useExponentialBackOff=false");
            bridge.setName(name + "->" + peer);
            bridge.setDuplex(true);
            if (username != null) {
                bridge.setUserName(username);
                bridge.setPassword(password);
            }
        }
        return service;
    }

    /**
     * Refuses a client's send (or consumer) that would create a queue matching {@link #refusedNewQueues}, as
     * ActiveMQ's authorization does for an account without the "admin" right there, with its words. (An
     * authorization map cannot say "everything but": its entries add up, the default entry included.)
     */
    private BrokerPlugin refusingNewQueues() {
        DestinationFilter refused = DestinationFilter.parseFilter(new ActiveMQQueue(refusedNewQueues));
        return next -> new BrokerFilter(next) {
            @Override
            public Destination addDestination(ConnectionContext context, ActiveMQDestination destination,
                    boolean createIfTemporary) throws Exception {
                boolean client = context.getSecurityContext() != null && !context.getSecurityContext().isBrokerContext();
                if (client && destination.isQueue() && refused.matches(destination)
                        && !getDestinationMap().containsKey(destination)) {
                    throw new SecurityException("User " + context.getUserName() + " is not authorized to create: "
                            + destination);
                }
                return super.addDestination(context, destination, createIfTemporary);
            }
        };
    }

    private void stopQuietly(BrokerService service) {
        try {
            service.stop();
            service.waitUntilStopped();
        } catch (Exception e) {
            LOG.warn("Broker {} did not stop cleanly", name, e);
        }
    }

    @FunctionalInterface
    private interface SessionWork<T> {
        T run(Session session) throws JMSException;
    }

    private <T> T withSession(boolean transacted, String what, SessionWork<T> work) {
        try (Connection connection = connectionFactory().createConnection();
                Session session = connection.createSession(transacted,
                        transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            return work.run(session);
        } catch (JMSSecurityException e) {
            throw new JMSSecurityRuntimeException("Broker " + name + " refused to " + what + ": " + e.getMessage(),
                    e.getErrorCode(), e);
        } catch (JMSException e) {
            throw new JMSRuntimeException("Cannot " + what + " on broker " + name + " at " + url() + ": "
                    + e.getMessage(), e.getErrorCode(), e);
        }
    }

    /**
     * A detached copy of a JMS message taken from a queue: safe to keep after the connection that read it
     * is closed.
     *
     * @param text the body of a {@link TextMessage}; {@code null} for any other message type
     * @param properties the message's properties by name, sorted, unmodifiable: the names JMS reports
     *     ({@link Message#getPropertyNames()}), so {@code JMSXGroupID}/{@code JMSXGroupSeq} when set, but never
     *     {@code JMSXDeliveryCount}, which ActiveMQ adds on redelivery and no sender set
     * @param persistent whether the message was sent {@link DeliveryMode#PERSISTENT}
     * @param jmsMessageId the broker-assigned {@code JMSMessageID}
     */
    public record ReceivedMessage(String text, Map<String, Object> properties, boolean persistent,
            String jmsMessageId) {

        static final String DELIVERY_COUNT = "JMSXDeliveryCount";

        public ReceivedMessage {
            // TreeMap rather than Map.copyOf: tolerant of a null property value.
            properties = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(properties, "properties")));
        }

        /** The property's value, or {@code null} when absent. */
        public Object property(String name) {
            return properties.get(name);
        }

        static ReceivedMessage of(Message message) throws JMSException {
            String text = message instanceof TextMessage textMessage ? textMessage.getText() : null;
            Map<String, Object> properties = new TreeMap<>();
            for (Enumeration<?> names = message.getPropertyNames(); names.hasMoreElements();) {
                String property = (String) names.nextElement();
                if (!DELIVERY_COUNT.equals(property)) {
                    properties.put(property, message.getObjectProperty(property));
                }
            }
            return new ReceivedMessage(text, properties, message.getJMSDeliveryMode() == DeliveryMode.PERSISTENT,
                    message.getJMSMessageID());
        }
    }

    /** Configures and starts an {@link EmbeddedBroker}. Only {@link #dataDir(Path)} is required. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private String name = "ministry";
        private String username;
        private String password;
        private String refusedNewQueues;
        private final List<String> queues = new ArrayList<>();
        private final List<String> networkTo = new ArrayList<>();
        private boolean networked;

        private Builder() {}

        /**
         * Queues matching {@code wildcard} (ActiveMQ syntax, e.g. {@code EKTP.STOCK.LOANS.>}) may be sent to only
         * if they exist ({@link #queues}, {@link #createQueue}): a send that would create one is refused with
         * "User ... is not authorized to create: queue://...". Needs {@link #username(String) credentials}.
         */
        public Builder refuseNewQueues(String wildcard) {
            this.refusedNewQueues = Objects.requireNonNull(wildcard, "wildcard");
            return this;
        }

        /** Queues that exist from the start (as the ministry's configuration would create them). */
        public Builder queues(String... names) {
            queues.addAll(List.of(names));
            return this;
        }

        /**
         * Joins a network of brokers: a duplex network connector to each of these brokers' URLs
         * ({@code tcp://127.0.0.1:port}), reconnecting every second while the other is down. Turns advisories on.
         */
        public Builder networkTo(String... brokerUrls) {
            networkTo.addAll(List.of(brokerUrls));
            return this;
        }

        /** Advisories on, for a broker other brokers connect to ({@link #networkTo}) without connecting out itself. */
        public Builder networked() {
            this.networked = true;
            return this;
        }

        /** Where KahaDB (and the temp store) live; reuse it across brokers to keep the messages. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** The TCP port on 127.0.0.1; 0 (the default) picks a free one, kept for later restarts. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** The broker name (default {@code ministry}), shown in logs and JMS metadata. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** With {@link #password(String)}: the only account, and clients without it are refused. */
        public Builder username(String username) {
            this.username = Objects.requireNonNull(username, "username");
            return this;
        }

        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        public EmbeddedBroker start() {
            if (dataDir == null) {
                throw new IllegalStateException("dataDir is required: the broker is persistent");
            }
            if ((username == null) != (password == null)) {
                throw new IllegalStateException("username and password go together");
            }
            if (refusedNewQueues != null && username == null) {
                throw new IllegalStateException("refuseNewQueues needs credentials: the broker refuses by account");
            }
            return new EmbeddedBroker(this).start();
        }
    }
}
