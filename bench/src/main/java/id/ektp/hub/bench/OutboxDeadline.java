package id.ektp.hub.bench;

import java.time.Duration;

/** The outbox benchmark's time budget: every wait and loop checks it, so a stuck phase ends the run with a message. */
final class OutboxDeadline {
    /** Thrown when the budget is spent; the benchmark reports what it measured so far. */
    static final class Exceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exceeded(String message) {
            super(message);
        }
    }

    private final long startNanos = System.nanoTime();
    private final long budgetNanos;

    OutboxDeadline(Duration budget) {
        this.budgetNanos = budget.toNanos();
    }

    boolean passed() {
        return System.nanoTime() - startNanos > budgetNanos;
    }

    void check(String what) {
        if (passed()) {
            throw new Exceeded("gave up after " + Duration.ofNanos(budgetNanos).toMinutes() + " min while " + what);
        }
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
