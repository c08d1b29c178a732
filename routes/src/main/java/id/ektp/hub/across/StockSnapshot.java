package id.ektp.hub.across;

/**
 * Blank stock as the hub sees it now: on hand, the average daily use over the last seven
 * days, and how many days that lasts ({@code Double.POSITIVE_INFINITY} while nothing is used).
 */
public record StockSnapshot(long onHand, double avgDailyUsage, double daysOfCover) {
    static StockSnapshot of(long onHand, long usedLastWeek) {
        double avg = usedLastWeek / 7.0;
        return new StockSnapshot(onHand, avg, avg == 0 ? Double.POSITIVE_INFINITY : onHand / avg);
    }

    /** Days of cover as JSON can carry it: null when unbounded. */
    public Double daysOfCoverOrNull() {
        return Double.isInfinite(daysOfCover) ? null : Math.round(daysOfCover * 10) / 10.0;
    }
}
