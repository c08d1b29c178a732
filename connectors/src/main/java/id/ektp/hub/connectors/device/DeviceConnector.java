package id.ektp.hub.connectors.device;

import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.connectors.sftp.PeerFailure;
import id.ektp.hub.connectors.sftp.RemoteFile;
import id.ektp.hub.connectors.sftp.SftpLink;
import id.ektp.hub.connectors.sftp.SftpOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kecamatan enrollment devices: each one's {@code outbox/} read over the hub's own SFTP
 * client ({@link id.ektp.hub.connectors.sftp.SftpSessions}), the tick that drives each device's
 * intake route, and the state of each device's link (named by device key, {@code 331005-CWS01}).
 *
 * <ul>
 *   <li>Only {@code X.zip} whose {@code X.zip.done} is in the same listing is a packet
 *       ({@link #read}); {@link DeviceOutboxCommit} removes the zip first, once the packet is
 *       durably the hub's.</li>
 *   <li>The listing is read in the server's pages and given up after {@value #MAX_LISTING}
 *       entries: a device whose listing never ends cannot fill the hub's memory. The packets are
 *       sorted by name (= oldest first) and at most {@value #MAX_PER_POLL} taken per poll.</li>
 *   <li>Each device's route is a {@code scheduler:} of its own (its own thread: a device that
 *       hangs holds up only itself) ticking every {@code tickMillis}; the intake decides at each
 *       tick whether a poll is due (the configured interval, about a second after a cut line, a
 *       capped backoff for a device that refuses the hub).</li>
 * </ul>
 */
public final class DeviceConnector {
    /** The header naming the device (its key) an exchange came from. */
    public static final String DEVICE_HEADER = "ektpDevice";
    /** ICD section 1: a device marks {@code X.zip} finished by writing {@code X.zip.done}. */
    public static final String DONE_SUFFIX = DeviceOutboxCommit.DONE_SUFFIX;
    /** Entries of one outbox listing read at most (of any kind). */
    public static final int MAX_LISTING = 20_000;
    /** Packets taken in one poll at most. */
    public static final int MAX_PER_POLL = 1000;
    /** The longest tick: how soon after a cut line's return a device is polled again. */
    public static final long MAX_TICK_MILLIS = 250;

    /**
     * A device route's source, with the parameters of a route template ({@link #TEMPLATE_PARAMETERS},
     * filled by {@link #parameters}): a scheduler of its own per device.
     */
    public static final String OUTBOX = "scheduler:up-intake-{{deviceKey}}?delay={{tickMillis}}&initialDelay=0"
            + "&greedy=true&runLoggingLevel=DEBUG";

    /** The parameters {@link #OUTBOX} needs in a route template. */
    public static final List<String> TEMPLATE_PARAMETERS = List.of("deviceKey", "tickMillis");

    /** The parameters of a device's receipts route ({@link DeviceReceiptFiles} writes them). */
    public static final List<String> RECEIPT_PARAMETERS = List.of("deviceKey", "receiptsMillis");

    /** How often a device's receipts route looks for receipts it owes. */
    public static final long RECEIPTS_MILLIS = 1000;

    private final Links links;

    public DeviceConnector(Clock clock) {
        this.links = new Links(clock, "ektp.devices", key -> "device " + DeviceRef.of(key));
    }

    /** Each device's link, by device key. */
    public Links links() {
        return links;
    }

    /** The template's parameters for one device: also what a config reload adds a device route with. */
    public static Map<String, String> parameters(Device device) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("deviceKey", device.key());
        p.put("tickMillis", String.valueOf(Math.max(10, Math.min(MAX_TICK_MILLIS, device.pollInterval().toMillis()))));
        return p;
    }

    /** What an outbox holds: finished packets oldest first, and done files whose zip is gone. */
    public record Outbox(List<RemoteFile> packets, List<RemoteFile> orphanDones, boolean truncated) {}

    /** Reads a device's outbox ({@code outboxDir}) over {@code link}. */
    public static Outbox read(SftpLink link, String outboxDir) throws PeerFailure {
        SftpLink.Listing listing = link.list(outboxDir, MAX_LISTING,
                name -> name.endsWith(".zip") || name.endsWith(".zip" + DONE_SUFFIX));
        Set<String> names = new HashSet<>();
        listing.files().forEach(f -> names.add(f.name()));
        List<RemoteFile> packets = new ArrayList<>();
        List<RemoteFile> orphans = new ArrayList<>();
        for (RemoteFile f : listing.files()) {
            if (f.name().endsWith(DONE_SUFFIX)) {
                if (!names.contains(f.name().substring(0, f.name().length() - DONE_SUFFIX.length()))) {
                    orphans.add(f);
                }
            } else if (names.contains(f.name() + DONE_SUFFIX)) {
                packets.add(f);
            }
        }
        packets.sort(Comparator.comparing(RemoteFile::name));
        return new Outbox(packets.size() > MAX_PER_POLL ? List.copyOf(packets.subList(0, MAX_PER_POLL)) : packets,
                orphans, listing.truncated());
    }

    /** The receipts template's parameters for one device ({@link #RECEIPTS}). */
    public static Map<String, String> receiptParameters(Device device) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("deviceKey", device.key());
        p.put("receiptsMillis", String.valueOf(RECEIPTS_MILLIS));
        return p;
    }
}
