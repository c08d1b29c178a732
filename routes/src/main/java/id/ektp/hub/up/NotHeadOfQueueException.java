package id.ektp.hub.up;

import id.ektp.hub.policies.StepAside;

/**
 * Thrown, without any network call, for a packet that is no longer the earliest one waiting
 * (an older capture arrived meanwhile): its exchange fails, the file stays, and the next poll
 * of {@code spool/outbound/} starts again from the true head.
 */
final class NotHeadOfQueueException extends StepAside {
    NotHeadOfQueueException(String name) {
        super(name + " steps aside for an earlier capture");
    }
}
