package id.ektp.hub.observe;

import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.connectors.ministry.MinistryBrokerConnector;
import id.ektp.hub.connectors.ministry.MinistrySftpConnector;
import id.ektp.hub.connectors.printer.PrinterConnector;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.config.HubConfig.Printer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every peer the running configuration names, with its link as last seen: the ministry's SFTP
 * server and broker, each kecamatan device ({@link Links}) and each printer
 * ({@link Links}). A peer the hub has not talked to since it started is
 * {@link Status#NOT_CONTACTED}, not "down": the broker, say, is only contacted when the outbox
 * has something to send. Health checks and metrics read the same view.
 */
public final class PeerStates {
    public enum Kind { MINISTRY, DEVICE, PRINTER }

    public enum Status { UP, DOWN, NOT_CONTACTED }

    /**
     * One peer. {@code name} is the {@link Links} name, or {@code device-<key>} for a device;
     * {@code since}, {@code lastContact} and {@code error} are null when not known.
     */
    public record Peer(String name, Kind kind, Status status, Instant since, Instant lastContact, String error) {}

    private final Supplier<HubConfig> config;
    private final Links devices;
    private final Links links;

    public PeerStates(Supplier<HubConfig> config, Links devices, Links links) {
        this.config = config;
        this.devices = devices;
        this.links = links;
    }

    public static String deviceName(Device device) {
        return "device-" + device.key();
    }

    /** The ministry links first, then devices and printers in configuration order. */
    public List<Peer> all() {
        HubConfig current = config.get();
        List<Peer> peers = new ArrayList<>();
        peers.add(peer(MinistrySftpConnector.PEER, Kind.MINISTRY));
        peers.add(peer(MinistryBrokerConnector.PEER, Kind.MINISTRY));
        for (Device device : current.devices()) {
            peers.add(device(device));
        }
        for (Printer printer : current.printers()) {
            peers.add(peer(PrinterConnector.peer(printer.id()), Kind.PRINTER));
        }
        return peers;
    }

    public Peer device(Device device) {
        return devices.link(device.key())
                .map(l -> new Peer(deviceName(device), Kind.DEVICE, l.up() ? Status.UP : Status.DOWN, l.since(),
                        l.lastContact(), l.lastError()))
                .orElse(new Peer(deviceName(device), Kind.DEVICE, Status.NOT_CONTACTED, null, null, null));
    }

    public Peer peer(String name, Kind kind) {
        return links.link(name)
                .map(l -> new Peer(name, kind, l.up() ? Status.UP : Status.DOWN, l.since(), l.lastContact(), l.lastError()))
                .orElse(new Peer(name, kind, Status.NOT_CONTACTED, null, null, null));
    }
}
