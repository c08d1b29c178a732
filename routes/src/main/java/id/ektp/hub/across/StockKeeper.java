package id.ektp.hub.across;

import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.config.HubConfig.Stock;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.StockLedger;
import id.ektp.hub.store.StockLedger.Allocation;
import id.ektp.hub.store.StockLedger.Kind;
import id.ektp.hub.store.StockLedger.StockRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blank card stock: what changes it (arrivals an operator confirms, print results,
 * destruction of unused blanks) and when to ask for more. Each change and the message it
 * raises commit in one transaction.
 */
public final class StockKeeper {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.stock");
    static final String REQUEST = "REQUEST";
    static final String LOAN = "LOAN";
    static final String LOW_STOCK = "LOW_STOCK";
    static final String MANUAL = "MANUAL";
    static final String CRITICAL = "CRITICAL";

    /** An operator's input that cannot be applied; the message says why (HTTP 400). */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    private final HubStore store;
    private final StockLedger ledger;
    private final Outbox outbox;
    private final Messages messages;
    private final FailureReports reports;
    private volatile Stock policy;

    public StockKeeper(HubStore store, StockLedger ledger, Outbox outbox, Messages messages, FailureReports reports,
                       Stock policy) {
        this.store = store;
        this.ledger = ledger;
        this.outbox = outbox;
        this.messages = messages;
        this.reports = reports;
        this.policy = policy;
    }

    /** Thresholds may change while running (a configuration reload). */
    public void policy(Stock policy) {
        this.policy = policy;
    }

    public StockSnapshot snapshot() {
        Instant now = messages.instant();
        return StockSnapshot.of(ledger.onHand(), ledger.printedBetween(now.minus(Duration.ofDays(7)), now));
    }

    /** An announced shipment: recorded, but stock only grows when an operator confirms it arrived. */
    public boolean announced(Allocation allocation) {
        boolean added = ledger.announce(allocation);
        LOG.info("allocation {}: {} blanks announced{}", allocation.allocationId(), allocation.quantity(),
                added ? "" : " (again: already recorded)");
        return added;
    }

    /**
     * An operator confirms {@code received} blanks of an announced allocation arrived. It also
     * closes the manual requests made before the ministry announced it: the ICD gives an
     * allocation no request id, and this shipment is the ministry's answer to what was asked
     * until then (a LOW_STOCK request closes when the days of cover are back instead).
     *
     * <p>The checks and the change are one transaction: of two confirmations at once (a double
     * click, two operators) one is applied and the other refused as already confirmed. More
     * blanks than announced is refused: it is a miscount, or a shipment the ministry has not
     * announced, and either would put blanks in the ledger no allocation accounts for.
     */
    public long confirmArrival(String allocationId, int received) {
        if (received < 0) {
            throw new Refused("received must be 0 or more");
        }
        Instant now = messages.instant();
        record Confirmed(Allocation allocation, int answered, long onHand) {}
        Confirmed done = store.transact(c -> {
            Allocation allocation = ledger.allocation(allocationId)
                    .orElseThrow(() -> new Refused("no allocation " + allocationId + " has been announced by the ministry"));
            if (allocation.received() != null) {
                throw new Refused("allocation " + allocationId + " was already confirmed: " + allocation.received()
                        + " received on " + messages.time(allocation.receivedAt()));
            }
            if (received > allocation.quantity()) {
                throw new Refused("received " + received + " is more than the " + allocation.quantity()
                        + " announced for allocation " + allocationId + ": count again; blanks beyond an"
                        + " announcement come in under an allocation of their own");
            }
            ledger.markReceived(allocationId, received, now);
            ledger.append(now, Kind.ARRIVAL, received, "arrival:" + allocationId,
                    received + " of " + allocation.quantity() + " announced");
            int answered = ledger.closeMadeBefore(REQUEST, MANUAL, allocation.announcedAt(), now);
            return new Confirmed(allocation, answered, ledger.onHand());
        });
        LOG.info("allocation {}: {} of {} blanks confirmed arrived; on hand now {}{}", allocationId, received,
                done.allocation().quantity(), done.onHand(),
                done.answered() == 0 ? "" : "; " + done.answered() + " manual request(s) made before it was announced closed");
        return done.onHand();
    }

    /**
     * A print result used one blank, whatever its status. {@code resultKey} identifies the
     * result, so the same result seen twice counts once. Joins the caller's transaction.
     */
    public boolean blankUsed(String resultKey, String detail) {
        return ledger.append(messages.instant(), Kind.PRINT, -1, "print:" + resultKey, detail);
    }

    /** The periodic destruction of invalid cards: reported; unused blanks leave the stock. */
    public String recordDestruction(String period, Map<String, Integer> counts, String destroyedAt, String witness) {
        String ref = "destruction:" + period + ":" + destroyedAt;
        if (ledger.hasEvent(ref)) {
            throw new Refused("a destruction for period " + period + " on " + destroyedAt + " is already recorded");
        }
        int unused = counts.getOrDefault("UNUSED", 0);
        return store.transact(c -> {
            if (!ledger.append(messages.instant(), Kind.DESTRUCTION, -unused, ref, counts + ", witness " + witness)) {
                // recorded meanwhile by a concurrent call: no second report
                throw new Refused("a destruction for period " + period + " on " + destroyedAt + " is already recorded");
            }
            return reports.destruction(period, counts, destroyedAt, witness);
        });
    }

    /** An operator asks for blanks. */
    public String manualRequest(int quantity, String note) {
        if (quantity <= 0) {
            throw new Refused("quantity must be a positive number of blanks");
        }
        StockSnapshot now = snapshot();
        return store.transact(c -> raiseRequest(now, quantity, MANUAL, note));
    }

    /**
     * The scheduled check: below {@code reorderDaysOfCover} one request for enough to reach
     * {@code targetDaysOfCover}, once per shortage; below {@code criticalDaysOfCover} also a
     * loan request to each neighbouring regency, once per critical spell. A shortage ends when
     * cover is back at or above the threshold.
     */
    public void check() {
        Stock p = policy;
        StockSnapshot s = snapshot();
        Instant now = messages.instant();
        store.transact(c -> {
            if (s.daysOfCover() < p.reorderDaysOfCover()) {
                if (ledger.open(REQUEST, LOW_STOCK).isEmpty()) {
                    long wanted = (long) Math.ceil(p.targetDaysOfCover() * s.avgDailyUsage()) - s.onHand();
                    raiseRequest(s, (int) Math.max(1, wanted), LOW_STOCK, null);
                }
            } else {
                ledger.close(REQUEST, LOW_STOCK, now);
            }
            if (s.daysOfCover() < p.criticalDaysOfCover()) {
                if (ledger.open(LOAN, CRITICAL).isEmpty()) {
                    long wanted = Math.max(1, (long) Math.ceil(p.reorderDaysOfCover() * s.avgDailyUsage()) - s.onHand());
                    for (String neighbour : p.neighbourRegencies()) {
                        raiseLoan(neighbour, (int) wanted, s);
                    }
                }
            } else {
                ledger.close(LOAN, CRITICAL, now);
            }
            return null;
        });
        LOG.info("stock check: {} on hand, {} a day, {} days of cover", s.onHand(),
                String.format("%.1f", s.avgDailyUsage()), s.daysOfCoverOrNull() == null ? "unlimited" : s.daysOfCoverOrNull());
    }

    private String raiseRequest(StockSnapshot s, int quantity, String reason, String note) {
        String id = UUID.randomUUID().toString();
        ObjectNode body = messages.document(Queues.STOCK_REQUEST);
        body.put("requestId", id);
        body.put("regencyCode", messages.regency().code());
        body.put("onHand", s.onHand());
        body.put("avgDailyUsage", Math.round(s.avgDailyUsage() * 10) / 10.0);
        body.put("daysOfCover", s.daysOfCoverOrNull());
        body.put("requested", quantity);
        body.put("reason", reason);
        if (note != null && !note.isBlank()) {
            body.put("note", note);
        }
        body.put("createdAt", messages.now());
        ledger.openRequest(new StockRequest(id, REQUEST, reason, quantity, null, messages.instant(), null));
        outbox.raise(id, Queues.STOCK_REQUESTS, Queues.STOCK_REQUEST, Messages.text(body));
        LOG.warn("stock request {}: {} blanks asked for ({}; {} on hand)", id, quantity, reason, s.onHand());
        return id;
    }

    private void raiseLoan(String neighbour, int quantity, StockSnapshot s) {
        String id = UUID.randomUUID().toString();
        ObjectNode body = messages.document(Queues.STOCK_LOAN_REQUEST);
        body.put("requestId", id);
        body.put("fromRegency", messages.regency().code());
        body.put("quantity", quantity);
        body.put("reason", "CRITICAL: " + s.onHand() + " blanks on hand, "
                + (s.daysOfCoverOrNull() == null ? "unlimited" : s.daysOfCoverOrNull()) + " days of cover");
        body.put("createdAt", messages.now());
        ledger.openRequest(new StockRequest(id, LOAN, CRITICAL, quantity, neighbour, messages.instant(), null));
        outbox.raise(id, Queues.loans(neighbour), Queues.STOCK_LOAN_REQUEST, Messages.text(body));
        LOG.warn("stock loan request {} to {}: {} blanks", id, neighbour, quantity);
    }
}
