package id.ektp.hub.across;

import id.ektp.hub.store.FollowUps;
import id.ektp.hub.store.HubStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packets forwarded longer ago than {@code reports.packetOverdueAfter} with no final result from
 * the ministry: each is reported once as {@code PACKET_OVERDUE} (ICD §3) and shown as a follow-up,
 * both in one transaction, so a restart neither repeats nor forgets a report. A result that comes
 * later still counts: ENROLLED closes the follow-up, DUPLICATE or REJECTED turns it into one.
 */
public final class OverdueWatch {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.results");
    /** Packets reported per check: a first check after an outage of the ministry stays short. */
    static final int PER_CHECK = 500;

    private final HubStore store;
    private final FollowUps followUps;
    private final FailureReports reports;
    private final Messages messages;
    private final Clock clock;
    private volatile Duration after;

    public OverdueWatch(HubStore store, FollowUps followUps, FailureReports reports, Messages messages, Clock clock,
                        Duration after) {
        this.store = store;
        this.followUps = followUps;
        this.reports = reports;
        this.messages = messages;
        this.clock = clock;
        this.after = after;
    }

    /** {@code reports.packetOverdueAfter}, changed by a config reload. */
    public void after(Duration after) {
        this.after = after;
    }

    /** How often to check: often enough for the threshold, never more than once a second or less than once a minute. */
    public static long checkMillis(Duration after) {
        return Math.max(1000, Math.min(60_000, after.toMillis() / 10));
    }

    public void check() {
        Instant now = clock.instant();
        for (FollowUps.Overdue o : followUps.overdue(now.minus(after), PER_CHECK)) {
            String detail = Messages.text(Messages.json().createObjectNode().put("forwardedAt", messages.time(o.forwardedAt())));
            store.transact(c -> {
                followUps.open(o.packetId(), FollowUps.OVERDUE, o.kecamatan(), o.forwardedAt(), detail, now);
                reports.packetOverdue(o.packetId(), o.kecamatan(), o.forwardedAt());
                return null;
            });
            LOG.warn("packet {} ({}): PACKET_OVERDUE reported, forwarded {} and no result from the ministry since",
                    o.packetId(), o.kecamatan(), messages.time(o.forwardedAt()));
        }
    }
}
