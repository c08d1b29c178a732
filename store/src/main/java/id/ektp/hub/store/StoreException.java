package id.ektp.hub.store;

/** The local state store failed (disk full, file damaged): nothing was committed. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
