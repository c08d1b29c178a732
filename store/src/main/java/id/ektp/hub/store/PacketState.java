package id.ektp.hub.store;

/**
 * Where an enrollment packet is in the UP flow. The state store changes a packet's state
 * before its file is moved to the matching folder, so after a crash the file is either where
 * the state says or one step behind, and the route consuming that folder redoes the step.
 */
public enum PacketState {
    /** Being written to {@code spool/incoming}; not yet ours (the device still has it). */
    RECEIVING,
    /** In {@code spool/received/<device>/}: ours, acknowledged to the device, not yet checked. */
    RECEIVED,
    /** Valid, in {@code spool/outbound/}, waiting for the ministry. */
    OUTBOUND,
    /** In the ministry's inbox. The payload is gone from the hub; the record stays. */
    FORWARDED,
    /** Rejected; the file is in quarantine with the reason. */
    QUARANTINED
}
