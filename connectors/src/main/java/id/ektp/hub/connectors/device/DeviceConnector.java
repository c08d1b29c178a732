package id.ektp.hub.connectors.device;

import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.connectors.link.SftpPolls;
import id.ektp.hub.connectors.sftp.SftpOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The kecamatan enrollment devices: each one's SFTP {@code outbox/} as an endpoint for a route
 * template, and the state of each device's link (named by device key, {@code 331005-CWS01}).
 *
 * <ul>
 *   <li>Only {@code X.zip} whose {@code X.zip.done} is in the same listing is offered
 *       ({@code doneFileName}). Camel's own removal is off ({@code noop=true}): on commit it would
 *       delete the done file before the zip, and an interruption between the two leaves a zip
 *       that by ICD section 1 is "still being written" for ever. {@link DeviceOutboxCommit}
 *       (bean {@value #COMMIT_BEAN}) removes the zip first, once the exchange completed.</li>
 *   <li>{@code streamDownload=true&stepwise=false}: a packet goes from the socket to the spool
 *       in buffers, never whole into memory.</li>
 *   <li>The whole listing sorted by name, then the first 1000 taken (Camel's default takes the
 *       first 100 listed and sorts only those); greedy: no sleep while there is work.</li>
 *   <li>{@code autoCreate=false}: otherwise each consumer connects while its route starts, and
 *       one dead device delays the hub's start by its connect timeouts.</li>
 *   <li>{@code throwExceptionOnConnectFailed=true} with the poll strategy {@value #POLLS_BEAN}
 *       ({@link SftpPolls}): each poll reports the device's link; a poll is skipped while the
 *       disk is nearly full.</li>
 * </ul>
 */
public final class DeviceConnector {
    /** The registry name of the intake consumers' process strategy, a {@link DeviceOutboxCommit}. */
    public static final String COMMIT_BEAN = "deviceOutboxCommit";
    /** The registry name of the intake consumers' poll strategy, a {@link SftpPolls} feeding {@link #links()}. */
    public static final String POLLS_BEAN = "devicePolls";
    /** The header naming the device (its key) an exchange came from. */
    public static final String DEVICE_HEADER = "ektpDevice";
    /** ICD section 1: a device marks {@code X.zip} finished by writing {@code X.zip.done}. */
    public static final String DONE_SUFFIX = DeviceOutboxCommit.DONE_SUFFIX;

    /**
     * A device's outbox, with the parameters of a route template ({@link #TEMPLATE_PARAMETERS},
     * filled by {@link #parameters}).
     */
    public static final String OUTBOX = SftpOptions.secure(SftpOptions.placeholders(""), "{{outboxDir}}")
            + "&autoCreate=false&maximumReconnectAttempts=1&reconnectDelay=2000"
            + "&antInclude=*.zip&doneFileName=${file:name}" + DONE_SUFFIX
            + "&noop=true&idempotent=false&processStrategy=#" + COMMIT_BEAN
            + "&streamDownload=true&stepwise=false&sortBy=file:name"
            + "&delay={{pollMillis}}&initialDelay=0&maxMessagesPerPoll=1000&eagerMaxMessagesPerPoll=false"
            + "&greedy=true"
            + "&throwExceptionOnConnectFailed=true&pollStrategy=#" + POLLS_BEAN
            + "&runLoggingLevel=DEBUG";

    /** The parameters {@link #OUTBOX} needs in a route template. */
    public static final List<String> TEMPLATE_PARAMETERS;

    static {
        List<String> names = new ArrayList<>(List.of("deviceKey", "outboxDir", "pollMillis"));
        names.addAll(SftpOptions.PARAMETERS);
        TEMPLATE_PARAMETERS = List.copyOf(names);
    }

    /**
     * Where the hub writes a device's receipts (ICD §1): its {@code receiptsDir}, created when
     * missing ({@code autoCreate}). Each file goes up as {@code .<name>.part} and is renamed
     * ({@code tempFileName}), replacing the packet's previous receipt ({@code fileExist=Override};
     * the old one is removed only just before the rename, not before the upload), each existence
     * check a {@code stat} ({@code fastExistsCheck}: otherwise camel-ftp lists the whole folder,
     * which holds a receipt per packet ever recorded there, once or twice per receipt). One connect
     * attempt per write ({@code maximumReconnectAttempts=0}): a device that is down fails the write
     * at once, and the receipts route waits, with backoff, on its own thread.
     */
    public static final String RECEIPTS = SftpOptions.secure(SftpOptions.placeholders(""), "{{receiptsDir}}")
            + "&autoCreate=true&maximumReconnectAttempts=0&fastExistsCheck=true"
            + "&tempFileName=.${file:name}.part&fileExist=Override&eagerDeleteTargetFile=false";

    /** The parameters {@link #RECEIPTS} needs in a route template, with how often it looks for receipts to write. */
    public static final List<String> RECEIPT_PARAMETERS;

    static {
        List<String> names = new ArrayList<>(List.of("deviceKey", "receiptsDir", "receiptsMillis"));
        names.addAll(SftpOptions.PARAMETERS);
        RECEIPT_PARAMETERS = List.copyOf(names);
    }

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

    /**
     * The poll strategy of the intake consumers, whose route ids are {@code routeIdPrefix} and
     * the device key. {@code mayTakeMore}: asked before each poll; false skips it.
     */
    public SftpPolls polls(String routeIdPrefix, BooleanSupplier mayTakeMore) {
        return SftpPolls.byRouteId(links, routeIdPrefix, mayTakeMore);
    }

    /** The template's parameters for one device: also what a config reload adds a device route with. */
    public static Map<String, String> parameters(Device device) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("deviceKey", device.key());
        SftpOptions.parameters(p, "", device.sftp());
        p.put("outboxDir", device.outboxDir());
        p.put("pollMillis", String.valueOf(device.pollInterval().toMillis()));
        return p;
    }

    /** The receipts template's parameters for one device ({@link #RECEIPTS}). */
    public static Map<String, String> receiptParameters(Device device) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("deviceKey", device.key());
        SftpOptions.parameters(p, "", device.sftp());
        p.put("receiptsDir", device.receiptsDir());
        p.put("receiptsMillis", String.valueOf(RECEIPTS_MILLIS));
        return p;
    }
}
