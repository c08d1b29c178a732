package id.ektp.hub.across;

import id.ektp.hub.connectors.link.Links;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.store.Backlog;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.PacketState;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code ektp.hub-status/1}: backlog counts (and the oldest item's time) per flow, device
 * states and blank stock; raised to {@value Queues#HUB_STATUS} every {@code reports.statusInterval}.
 */
public final class HubStatusReport {
    private final Messages messages;
    private final PacketRecords packets;
    private final Outbox outbox;
    private final Links links;
    private final StockKeeper stock;
    private final Supplier<List<Device>> devices;

    public HubStatusReport(Messages messages, PacketRecords packets, Outbox outbox, Links links,
                           StockKeeper stock, Supplier<List<Device>> devices) {
        this.messages = messages;
        this.packets = packets;
        this.outbox = outbox;
        this.links = links;
        this.stock = stock;
        this.devices = devices;
    }

    public ObjectNode build() {
        ObjectNode status = messages.document(Queues.HUB_STATUS_SCHEMA);
        status.put("regencyCode", messages.regency().code());
        status.put("at", messages.now());
        ObjectNode backlogs = status.putObject("backlogs");
        Map<PacketState, Backlog> up = packets.backlog();
        ObjectNode upFlow = backlogs.putObject("up");
        put(upFlow.putObject("received"), up.get(PacketState.RECEIVED));
        put(upFlow.putObject("outbound"), up.get(PacketState.OUTBOUND));
        upFlow.put("forwarded", up.get(PacketState.FORWARDED).count());
        upFlow.put("quarantined", up.get(PacketState.QUARANTINED).count());
        put(backlogs.putObject("outbox"), outbox.backlog());
        ArrayNode deviceStates = status.putArray("devices");
        for (Device device : devices.get()) {
            ObjectNode d = deviceStates.addObject();
            d.put("kecamatanCode", device.kecamatan());
            d.put("deviceId", device.deviceId());
            d.put("name", device.name());
            links.link(device.key()).ifPresentOrElse(link -> {
                d.put("state", link.up() ? "UP" : "DOWN");
                d.put("since", messages.time(link.since()));
                if (link.lastError() != null) {
                    d.put("cause", link.lastError());
                }
            }, () -> d.put("state", "UNKNOWN"));
        }
        StockSnapshot s = stock.snapshot();
        ObjectNode stockNode = status.putObject("stock");
        stockNode.put("onHand", s.onHand());
        stockNode.put("avgDailyUsage", Math.round(s.avgDailyUsage() * 10) / 10.0);
        stockNode.put("daysOfCover", s.daysOfCoverOrNull());
        return status;
    }

    /** Raises the current status to the outbox. */
    public String raise() {
        String id = UUID.randomUUID().toString();
        return outbox.raise(id, Queues.HUB_STATUS, Queues.HUB_STATUS_SCHEMA, Messages.text(build()));
    }

    private void put(ObjectNode node, Backlog backlog) {
        node.put("count", backlog.count());
        node.put("oldest", messages.time(backlog.oldest()));
    }
}
