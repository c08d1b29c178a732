package id.ektp.hub.policies;

/**
 * An attempt that must fail at once, quietly, and not be retried by redelivery: the item stays
 * where it is and the next poll comes back to it in the right order. Thrown without any network
 * call (no stack trace is filled in: it is not an error).
 */
public abstract class StepAside extends RuntimeException {
    protected StepAside(String message) {
        super(message, null, false, false);
    }
}
