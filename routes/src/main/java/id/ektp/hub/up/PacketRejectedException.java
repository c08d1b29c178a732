package id.ektp.hub.up;

/**
 * Thrown inside {@link PacketInspector} the moment a packet breaks a rule, so the first problem
 * found ends the inspection; it becomes an {@link Inspection#rejected} and never leaves the package.
 */
final class PacketRejectedException extends Exception {

    private final transient Rejection rejection;

    PacketRejectedException(RejectReason reason, String detail) {
        // No stack trace: this is a verdict about input, not a failure of the code.
        super(reason + ": " + detail, null, false, false);
        this.rejection = new Rejection(reason, detail);
    }

    Rejection rejection() {
        return rejection;
    }
}
