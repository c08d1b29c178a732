package id.ektp.hub.sandbox.packets;

/** The manifest's {@code kind} (ICD §1): a first recording, a data update, or biometrics taken again. */
public enum PacketKind {
    NEW,
    UPDATE,
    RE_RECORD
}
