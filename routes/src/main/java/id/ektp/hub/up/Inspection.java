package id.ektp.hub.up;

import java.util.List;
import java.util.Optional;

/**
 * What {@link PacketInspector} found in one packet: either a valid manifest or the first
 * rejection, plus notes that are worth a log line but never a reason to reject (a NIK first
 * issued in another kecamatan).
 */
public record Inspection(Manifest manifest, Rejection rejection, List<String> notes) {

    public Inspection {
        if ((manifest == null) == (rejection == null)) {
            throw new IllegalArgumentException("exactly one of manifest and rejection");
        }
        notes = List.copyOf(notes);
    }

    public static Inspection valid(Manifest manifest, List<String> notes) {
        return new Inspection(manifest, null, notes);
    }

    public static Inspection rejected(RejectReason reason, String detail) {
        return new Inspection(null, new Rejection(reason, detail), List.of());
    }

    public boolean isValid() {
        return manifest != null;
    }

    public Optional<Rejection> rejectionIfAny() {
        return Optional.ofNullable(rejection);
    }
}
