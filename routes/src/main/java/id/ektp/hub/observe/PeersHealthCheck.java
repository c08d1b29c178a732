package id.ektp.hub.observe;

import id.ektp.hub.observe.PeerStates.Peer;
import id.ektp.hub.observe.PeerStates.Status;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Every peer's link as a detail ({@code ?data=true}): the ministry SFTP server and broker,
 * each kecamatan device and each printer, as {@code UP}, {@code DOWN} or {@code NOT_CONTACTED},
 * with since when, the last contact and the last error; the message names the peers that are
 * down.
 *
 * <p>This check is itself always UP, deliberately. The hub stores and forwards: a dead
 * kecamatan device, a printer that is offline or a ministry link down for days is work that
 * waits on the hub's disk, not a hub that should be restarted or taken out of service. Camel
 * counts every DOWN check against readiness (and against {@code /observe/health}), so a peer's
 * state must not be a check's state. Peers are alerted on through the metrics
 * ({@code ektp_device_up}, {@code ektp_peer_up}) and the DEVICE_DOWN reports, each with its
 * own threshold.
 */
final class PeersHealthCheck extends AbstractHealthCheck {
    static final String ID = "ektp-peers";

    private final PeerStates peers;

    PeersHealthCheck(PeerStates peers) {
        super(HubHealthChecks.GROUP, ID);
        this.peers = peers;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<Peer> all = peers.all();
        StringJoiner down = new StringJoiner("; ");
        StringJoiner notContacted = new StringJoiner(", ");
        for (Peer peer : all) {
            builder.detail(peer.name(), peer.status().name());
            if (peer.since() != null) {
                builder.detail(peer.name() + ".since", peer.since().toString());
            }
            if (peer.lastContact() != null) {
                builder.detail(peer.name() + ".lastContact", peer.lastContact().toString());
            }
            if (peer.error() != null) {
                builder.detail(peer.name() + ".error", peer.error());
            }
            if (peer.status() == Status.DOWN) {
                down.add(peer.name() + " (" + peer.error() + ")");
            } else if (peer.status() == Status.NOT_CONTACTED) {
                notContacted.add(peer.name());
            }
        }
        long up = all.stream().filter(p -> p.status() == Status.UP).count();
        StringBuilder message = new StringBuilder(up + " of " + all.size() + " peers up");
        if (down.length() > 0) {
            message.append("; down: ").append(down);
        }
        if (notContacted.length() > 0) {
            message.append("; not contacted yet: ").append(notContacted);
        }
        builder.message(message.toString()).up();
    }
}
