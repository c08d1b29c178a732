package id.ektp.hub.up;

/** A packet's verdict when it is not valid: the reason code and a sentence for an operator. */
public record Rejection(RejectReason reason, String detail) {
    @Override
    public String toString() {
        return reason + ": " + detail;
    }
}
