package id.ektp.hub.up;

import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.runtime.SftpParameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.builder.RouteBuilder;

/**
 * UP, step 1: one route per kecamatan device, from the {@value #TEMPLATE} template, taking
 * finished packets from the device's SFTP outbox onto the hub's disk.
 *
 * <ul>
 *   <li>Only {@code X.zip} whose {@code X.zip.done} exists is taken; both are removed from
 *       the device only after {@link PacketIntake} returned, i.e. once the packet is durably
 *       ours, the zip first ({@link DeviceOutboxCommit}). A failed exchange leaves them for
 *       the next poll.</li>
 *   <li>The download is streamed straight to the spool: a packet is never held in memory.</li>
 *   <li>Host keys are always checked against the configured known_hosts; there is no
 *       switch to turn that off.</li>
 *   <li>Connect and read timeouts bound every call, and each device route has its own
 *       poll thread, so a device that hangs holds up nobody else. {@code autoCreate=false}:
 *       otherwise the consumer connects while the route starts, and one dead device would
 *       delay the hub's start by its connect timeouts.</li>
 * </ul>
 */
public final class DeviceIntakeRoute extends RouteBuilder {
    public static final String TEMPLATE = "device-intake";
    public static final String DEVICE_HEADER = "ektpDevice";
    /** Intake route ids are this prefix and the device key: {@code up-intake-331005-CWS01}. */
    public static final String ROUTE_PREFIX = "up-intake-";

    private final List<Device> devices;

    public DeviceIntakeRoute(List<Device> devices) {
        this.devices = List.copyOf(devices);
    }

    public static String routeId(Device device) {
        return ROUTE_PREFIX + device.key();
    }

    /** The template's parameters for one device: also what a config reload adds a device route with. */
    public static Map<String, String> parameters(Device device) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("deviceKey", device.key());
        SftpParameters.put(p, "", device.sftp());
        p.put("outboxDir", device.outboxDir());
        p.put("pollMillis", String.valueOf(device.pollInterval().toMillis()));
        return p;
    }

    @Override
    public void configure() {
        // No redelivery: the next poll is the retry, and a failed exchange must not be
        // "handled", or the consumer would delete the device's file.
        errorHandler(defaultErrorHandler().maximumRedeliveries(0).logStackTrace(false).logExhaustedMessageHistory(false));

        routeTemplate(TEMPLATE)
                .templateParameter("deviceKey")
                .templateParameter("host").templateParameter("port").templateParameter("username")
                .templateParameter("privateKeyFile").templateParameter("knownHostsFile")
                .templateParameter("outboxDir").templateParameter("pollMillis")
                .templateParameter("connectTimeoutMillis").templateParameter("aliveIntervalMillis")
                .from("sftp://{{username}}@{{host}}:{{port}}/{{outboxDir}}"
                        + "?privateKeyFile=RAW({{privateKeyFile}})&knownHostsFile=RAW({{knownHostsFile}})"
                        + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false"
                        + "&connectTimeout={{connectTimeoutMillis}}"
                        + "&serverAliveInterval={{aliveIntervalMillis}}&serverAliveCountMax=3"
                        + "&autoCreate=false&maximumReconnectAttempts=1&reconnectDelay=2000"
                        + "&antInclude=*.zip&doneFileName=${file:name}" + DeviceOutboxCommit.DONE_SUFFIX
                        // noop: Camel's own removal (done file first) is off; the process
                        // strategy removes the pair in the safe order instead.
                        + "&noop=true&idempotent=false&processStrategy=#deviceOutboxCommit"
                        + "&streamDownload=true&stepwise=false&sortBy=file:name"
                        // Sort the whole listing, then take the oldest 1000 (Camel's default takes the
                        // first 100 listed and sorts only those); greedy: no sleep while there is work.
                        + "&delay={{pollMillis}}&initialDelay=0&maxMessagesPerPoll=1000&eagerMaxMessagesPerPoll=false"
                        + "&greedy=true"
                        + "&throwExceptionOnConnectFailed=true&pollStrategy=#deviceLinks"
                        + "&jschLoggingLevel=WARN&runLoggingLevel=DEBUG")
                .setHeader(DEVICE_HEADER, constant("{{deviceKey}}"))
                .bean("packetIntake", "receive");

        for (Device device : devices) {
            templatedRoute(TEMPLATE).routeId(routeId(device)).parameters(parameters(device));
        }
    }
}
