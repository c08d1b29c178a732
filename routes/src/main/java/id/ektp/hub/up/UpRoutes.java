package id.ektp.hub.up;

import static id.ektp.hub.policies.ErrorPolicies.FAIL_TO_CALLER;
import static id.ektp.hub.policies.ErrorPolicies.LEAVE_AT_SOURCE;
import static id.ektp.hub.policies.ErrorPolicies.UNTIL_MINISTRY_SFTP_TAKES_IT;
import static id.ektp.hub.policies.ErrorPolicies.WAIT_FOR_THE_DEVICE;

import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.connectors.device.DeviceConnector;
import id.ektp.hub.connectors.ministry.MinistrySftpConnector;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteTemplateDefinition;

/**
 * UP: enrollment packets from the kecamatan devices, checked, to the ministry.
 *
 * <ol>
 *   <li><b>Intake</b> ({@code up-intake-<device key>}, one route per device from the
 *       {@value #INTAKE_TEMPLATE} template, each on its own poll thread, so a device that hangs
 *       holds up only itself): each finished packet streamed from the device's outbox to
 *       {@code spool/received/<device>/} by {@link PacketIntake}. The device's copy is removed
 *       only once the exchange completed, i.e. once the packet is durably ours.</li>
 *   <li><b>Check</b> ({@value #VALIDATE}): {@link PacketValidation} moves each received packet
 *       to {@code spool/outbound/} or to quarantine. The folder is the queue: a packet received
 *       just before a crash is checked after the restart.</li>
 *   <li><b>Forward</b> ({@value #FORWARD}, {@value #UPLOAD}): oldest capture first, byte-identical,
 *       to the ministry's inbox, for as long as it takes (see {@link OutboundQueue} for why the
 *       upload is a step of its own).</li>
 *   <li><b>Receipts</b> ({@code up-receipts-<device key>}, one route per device from the
 *       {@value #RECEIPTS_TEMPLATE} template): what became of each packet (held, quarantined,
 *       forwarded, the ministry's result) back to its device, by {@link DeviceReceipts}. A route
 *       of its own per device, on its own scheduler thread, as intake: a device that is down holds
 *       up only its own receipts, never intake, and a config reload adds and removes it with the
 *       device's intake route.</li>
 * </ol>
 */
public final class UpRoutes extends RouteBuilder {
    public static final String INTAKE_TEMPLATE = "device-intake";
    /** Intake route ids are this prefix and the device key: {@code up-intake-331005-CWS01}. */
    public static final String INTAKE_PREFIX = "up-intake-";
    public static final String RECEIPTS_TEMPLATE = "device-receipts";
    /** Receipts route ids are this prefix and the device key: {@code up-receipts-331005-CWS01}. */
    public static final String RECEIPTS_PREFIX = "up-receipts-";
    public static final String VALIDATE = "up-validate";
    public static final String FORWARD = "up-forward";
    public static final String UPLOAD = "up-upload";
    private static final String TO_UPLOAD = "direct:ministry-upload";

    private final List<Device> devices;

    public UpRoutes(List<Device> devices) {
        this.devices = List.copyOf(devices);
    }

    public static String intakeRouteId(Device device) {
        return INTAKE_PREFIX + device.key();
    }

    public static String receiptsRouteId(Device device) {
        return RECEIPTS_PREFIX + device.key();
    }

    @Override
    public void configure() {
        RouteTemplateDefinition intake = routeTemplate(INTAKE_TEMPLATE);
        DeviceConnector.TEMPLATE_PARAMETERS.forEach(intake::templateParameter);
        intake.from(DeviceConnector.OUTBOX)
                .routeConfigurationId(LEAVE_AT_SOURCE)
                .setHeader(DeviceConnector.DEVICE_HEADER, constant("{{deviceKey}}"))
                .bean("deviceIntake", "poll");
        for (Device device : devices) {
            templatedRoute(INTAKE_TEMPLATE).routeId(intakeRouteId(device)).parameters(DeviceConnector.parameters(device));
        }

        // Receipts: each pass writes what the device is owed, a bounded number; a failed write
        // leaves the rest in the store for a later pass (WAIT_FOR_THE_DEVICE).
        RouteTemplateDefinition receipts = routeTemplate(RECEIPTS_TEMPLATE);
        DeviceConnector.RECEIPT_PARAMETERS.forEach(receipts::templateParameter);
        receipts.from("scheduler:receipts-{{deviceKey}}?delay={{receiptsMillis}}&initialDelay={{receiptsMillis}}")
                .routeConfigurationId(WAIT_FOR_THE_DEVICE)
                .setHeader(DeviceConnector.DEVICE_HEADER, constant("{{deviceKey}}"))
                .bean("deviceReceipts", "due")
                .split(body()).stopOnException()
                    .bean("deviceReceipts", "file")
                    .bean("deviceReceiptFiles", "write")
                    .bean("deviceReceipts", "written")
                .end();
        for (Device device : devices) {
            templatedRoute(RECEIPTS_TEMPLATE).routeId(receiptsRouteId(device))
                    .parameters(DeviceConnector.receiptParameters(device));
        }

        // The processor moves the file itself (durably), so the consumer leaves it alone (noop)
        // and must not remember it (idempotent=false): a file that failed on a disk error is
        // simply seen again.
        from("file:{{hub.spool.received}}?recursive=true&antInclude=*/*.zip&readLock=none"
                + "&noop=true&idempotent=false&delay=200&initialDelay=0&maxMessagesPerPoll=200&greedy=true")
                .routeId(VALIDATE)
                .routeConfigurationId(LEAVE_AT_SOURCE)
                .bean("packetValidation", "validate");

        // One file at a time in name (= capture time) order; deleted only after the upload and
        // its record. While the ministry is down the head packet is retried with capped backoff.
        from("file:{{hub.spool.outbound}}?antInclude=*.zip&readLock=none&delete=true"
                + "&sortBy=file:name&eagerMaxMessagesPerPoll=false&maxMessagesPerPoll=500"
                + "&delay=200&initialDelay=0&greedy=true")
                .routeId(FORWARD)
                .routeConfigurationId(UNTIL_MINISTRY_SFTP_TAKES_IT)
                .bean("packetForwarding", "prepare")
                .choice()
                    .when(header(PacketForwarding.ALREADY_FORWARDED))
                        .bean("packetForwarding", "alreadyForwarded")
                    .otherwise()
                        .to(TO_UPLOAD)
                        .bean("packetForwarding", "forwarded")
                .end();

        // The upload as a step of its own: a failure goes back to the forward route, whose
        // redelivery calls this route again from the top, so every attempt first checks that its
        // packet is still the earliest one waiting.
        from(TO_UPLOAD)
                .routeId(UPLOAD)
                .routeConfigurationId(FAIL_TO_CALLER)
                .bean("packetForwarding", "ensureHead")
                .bean("packetForwarding", "upload")
                .process(MinistrySftpConnector.reachable());
    }
}
