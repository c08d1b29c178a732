package id.ektp.hub.testing;

import static org.junit.jupiter.api.Assertions.fail;

import id.ektp.hub.across.AcrossRoutes;
import id.ektp.hub.admin.AdminRoutes;
import id.ektp.hub.down.DownRoutes;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.up.DeviceIntake;
import id.ektp.hub.up.UpRoutes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.spi.NotifyBuilderMatcher;
import org.apache.camel.support.EventNotifierSupport;

/**
 * The exchanges a flow test waits for, as Camel {@link NotifyBuilder}s on a hub's context. Each
 * is created (and so listening) when the method returns: create it <em>before</em> the action
 * that starts the exchange (dropping a packet, publishing a batch, starting a hub), then
 * {@link #await} it, then assert on what the exchange left. A consumer's commit (the device's
 * copy removed, a batch removed at the ministry, a result file deleted) runs as its exchange
 * completes, before the completion is notified, so a completed intake means the source's copy
 * is gone too.
 *
 * <p>The hub's scheduled routes complete an exchange at every poll, and a file a poll finds is
 * one exchange however many times it is retried: so the waits name the file they mean
 * ({@code CamelFileName} holds the packet, batch or PRR id) or count what a pass did, never just
 * "an exchange". An exchange that was already done when a wait was set up never counts for it,
 * even if Camel is still telling its listeners (a wait set up the moment the previous one
 * matched would otherwise count the previous one's exchange again).
 */
public final class Exchanges {
    /** Each context's {@link DoneTimes}, registered before the first wait on it. */
    private static final Map<CamelContext, DoneTimes> DONE_TIMES = Collections.synchronizedMap(new WeakHashMap<>());

    private final CamelContext context;
    private final DoneTimes doneTimes;

    private Exchanges(CamelContext context) {
        this.context = context;
        this.doneTimes = DONE_TIMES.computeIfAbsent(context, DoneTimes::register);
    }

    public static Exchanges of(Hub hub) {
        return of(hub.camelContext());
    }

    public static Exchanges of(CamelContext context) {
        return new Exchanges(context);
    }

    /**
     * A new expression for waits these methods do not cover, blind to exchanges already done;
     * end it with {@code create()}.
     */
    public NotifyBuilder notifier() {
        long since = System.nanoTime();
        return new NotifyBuilder(context).filter(named("not done before", e -> !doneTimes.doneBefore(e, since)));
    }

    /**
     * Waits until {@code notify} matches; fails saying what was waited for (and the expression)
     * rather than leaving the asserts after it to fail on a state the exchange has not left yet.
     */
    public static void await(NotifyBuilder notify, Duration patience, String what) {
        if (!notify.matches(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("Waited " + patience.toSeconds() + " s for " + what + " (" + notify + "): it did not happen");
        }
    }

    // ------------------------------------------------------------------ UP

    /**
     * Each packet taken off its device: received (or quarantined) and the device's copy removed.
     * An intake tick names what it took in {@link DeviceIntake#TAKEN_FILES}.
     */
    public NotifyBuilder taken(String... packetIds) {
        return eachCompleted(UpRoutes.INTAKE_PREFIX + "*", packetIds);
    }

    /** Each received packet checked: moved to {@code spool/outbound/} or to quarantine. */
    public NotifyBuilder checked(String... packetIds) {
        return eachCompleted(UpRoutes.VALIDATE, packetIds);
    }

    /** A check of the packet that failed (the packet left where it was for the next poll). */
    public NotifyBuilder checkFailed(String packetId) {
        return notifier().fromRoute(UpRoutes.VALIDATE).filter(file(packetId)).whenFailed(1).create();
    }

    /**
     * Each packet forwarded: uploaded to the ministry's inbox under its own name, recorded
     * FORWARDED and its local copy deleted (or, forwarded before a restart, only deleted).
     */
    public NotifyBuilder forwarded(String... packetIds) {
        return eachCompleted(UpRoutes.FORWARD, packetIds);
    }

    // ------------------------------------------------------------------ DOWN

    /** {@code batches} PRR batch files taken from the ministry's outbox (and removed there). */
    public NotifyBuilder batchesTaken(int batches) {
        return notifier().fromRoute(DownRoutes.BATCH_INTAKE).whenCompleted(batches).create();
    }

    /** {@code batches} batches processed: jobs and receipt committed, or the batch quarantined whole. */
    public NotifyBuilder batchesProcessed(int batches) {
        return notifier().fromRoute(DownRoutes.BATCH_PROCESS).whenCompleted(batches).create();
    }

    /** Dispatch passes that between them put {@code jobs} jobs in printers' queues (renamed into place). */
    public NotifyBuilder jobsQueued(int jobs) {
        return notifier().fromRoute(DownRoutes.DISPATCH).whenDoneSatisfied(new BodiesAddUp(jobs)).create();
    }

    /**
     * {@code passes} whole dispatch passes that started from now on (a pass under way when this is
     * called is not counted): for what every pass does whatever it queues, such as finishing
     * renames a crash interrupted.
     */
    public NotifyBuilder dispatchPasses(int passes) {
        long from = System.currentTimeMillis();
        return notifier().fromRoute(DownRoutes.DISPATCH).filter(createdAfter(from)).whenCompleted(passes).create();
    }

    /** {@code results} result files of the printer recorded (or quarantined) and deleted from its {@code results/}. */
    public NotifyBuilder resultsTaken(String printerId, int results) {
        return notifier().fromRoute(DownRoutes.RESULTS_PREFIX + printerId).whenCompleted(results).create();
    }

    // ------------------------------------------------------------------ ACROSS, ADMIN

    /** {@code messages} allocation messages taken (stored or quarantined); the broker's commit follows. */
    public NotifyBuilder allocationsTaken(int messages) {
        return notifier().fromRoute(AcrossRoutes.ALLOCATIONS).whenCompleted(messages).create();
    }

    /** A relay pass that found messages in the outbox and had the broker take all of them. */
    public NotifyBuilder relayed() {
        return notifier().fromRoute(AcrossRoutes.OUTBOX)
                .filter(named("a pass with messages", e -> e.getProperty(Exchange.SCHEDULER_POLLED_MESSAGES, false, Boolean.class)))
                .whenCompleted(1).create();
    }

    /** A whole check of the configuration file that started after {@code fromMillis} (epoch ms). */
    public NotifyBuilder configChecked(long fromMillis) {
        return notifier().fromRoute(AdminRoutes.CONFIG_WATCH).filter(createdAfter(fromMillis)).whenCompleted(1).create();
    }

    /** The start-up pass that finishes quarantine releases and drops a crash cut short. */
    public NotifyBuilder quarantineRecovered() {
        return notifier().fromRoute(AdminRoutes.QUARANTINE_RECOVERY).whenCompleted(1).create();
    }

    // ------------------------------------------------------------------ building blocks

    /** Exchanges of a file whose name ({@code CamelFileName}) contains {@code part}: a packet, batch or PRR id. */
    public static Predicate file(String part) {
        return named("file *" + part + "*", e -> {
            String name = e.getMessage().getHeader(Exchange.FILE_NAME, String.class);
            return name != null && name.contains(part);
        });
    }

    /** Exchanges created after {@code epochMillis}: a poll that began after something the test did. */
    private static Predicate createdAfter(long epochMillis) {
        return named("created after " + epochMillis, e -> e.getCreated() > epochMillis);
    }

    /** A completed exchange of {@code routeId} (a pattern) for each of the files named. */
    private NotifyBuilder eachCompleted(String routeId, String... names) {
        return notifier().fromRoute(routeId).whenDoneSatisfied(new EachCompleted(List.of(names))).create();
    }

    private static Predicate named(String description, Predicate predicate) {
        return new Predicate() {
            @Override
            public boolean matches(Exchange exchange) {
                return predicate.matches(exchange);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    /**
     * When each exchange of a context was done, as Camel began telling its listeners: registered
     * before any wait, so it hears each event first.
     */
    private static final class DoneTimes extends EventNotifierSupport {
        private static final int KEPT = 10_000;
        private final Map<String, Long> doneAt = Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > KEPT;
            }
        });

        static DoneTimes register(CamelContext context) {
            DoneTimes times = new DoneTimes();
            try {
                context.addService(times, false);
                times.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            context.getManagementStrategy().addEventNotifier(times);
            return times;
        }

        boolean doneBefore(Exchange exchange, long nanos) {
            Long at = doneAt.get(exchange.getExchangeId());
            return at != null && at < nanos;
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof ExchangeCompletedEvent || event instanceof ExchangeFailedEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            doneAt.putIfAbsent(((CamelEvent.ExchangeEvent) event).getExchange().getExchangeId(), System.nanoTime());
        }

        @Override
        protected void doStart() {
            setIgnoreCamelContextEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
        }
    }

    /** Satisfied once an exchange completed (not failed) for each name, whatever else came by. */
    private static final class EachCompleted implements NotifyBuilderMatcher {
        private final List<String> names;
        private final Set<String> done = ConcurrentHashMap.newKeySet();

        EachCompleted(List<String> names) {
            this.names = names;
        }

        @Override
        public void notifyBuilderOnExchange(Exchange exchange) {
            if (exchange.isFailed()) {
                return;
            }
            List<String> files = new ArrayList<>();
            String file = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
            if (file != null) {
                files.add(file);
            }
            List<?> taken = exchange.getMessage().getHeader(DeviceIntake.TAKEN_FILES, List.class);
            if (taken != null) {
                taken.forEach(t -> files.add(String.valueOf(t)));
            }
            for (String name : names) {
                if (files.stream().anyMatch(f -> f.contains(name))) {
                    done.add(name);
                }
            }
        }

        @Override
        public boolean notifyBuilderMatches() {
            return done.containsAll(names);
        }

        @Override
        public void notifyBuilderReset() {
            done.clear();
        }

        @Override
        public String toString() {
            return "completed for each of " + names + ", so far " + done;
        }
    }

    /** Satisfied once the done exchanges' integer bodies (the dispatcher's jobs queued per pass) add up to n. */
    private static final class BodiesAddUp implements NotifyBuilderMatcher {
        private final int n;
        private final AtomicInteger sum = new AtomicInteger();

        BodiesAddUp(int n) {
            this.n = n;
        }

        @Override
        public void notifyBuilderOnExchange(Exchange exchange) {
            if (!exchange.isFailed()) {
                Integer queued = exchange.getMessage().getBody(Integer.class);
                sum.addAndGet(queued == null ? 0 : queued);
            }
        }

        @Override
        public boolean notifyBuilderMatches() {
            return sum.get() >= n;
        }

        @Override
        public void notifyBuilderReset() {
            sum.set(0);
        }

        @Override
        public String toString() {
            return n + " jobs queued, so far " + sum.get();
        }
    }
}
