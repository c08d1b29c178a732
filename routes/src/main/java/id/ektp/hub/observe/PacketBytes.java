package id.ektp.hub.observe;

import id.ektp.hub.up.UpRoutes;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.up.PacketForwarding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Bytes moved, counted from Camel's own exchange events rather than from the routes: a packet
 * taken from a device counts when its intake exchange completed (the hub holds it and the
 * device's copy is being deleted), one forwarded when its forward exchange completed after the
 * upload. Failed attempts count nothing; an intake is counted however it ended (accepted,
 * duplicate or quarantined), because its bytes crossed the link all the same.
 *
 * <ul>
 *   <li>{@code ektp_packets_received_bytes_total{device}}</li>
 *   <li>{@code ektp_packets_forwarded_bytes_total}</li>
 * </ul>
 *
 * Counters start at 0 at every start of the hub; Prometheus' {@code rate()} handles that.
 */
public final class PacketBytes extends EventNotifierSupport {
    private final MeterRegistry registry;
    private final Counter forwarded;

    public PacketBytes(MeterRegistry registry, List<Device> devices) {
        this.registry = registry;
        this.forwarded = Counter.builder("ektp.packets.forwarded").baseUnit("bytes")
                .description("Packet bytes uploaded to the ministry inbox").register(registry);
        devices.forEach(d -> received(d.key())); // every device's series from the start, at 0
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeCompletedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((ExchangeCompletedEvent) event).getExchange();
        String routeId = exchange.getFromRouteId();
        if (routeId == null || exchange.isFailed()) {
            return;
        }
        Long length = exchange.getMessage().getHeader(Exchange.FILE_LENGTH, Long.class);
        if (length == null) {
            return;
        }
        if (routeId.startsWith(UpRoutes.INTAKE_PREFIX)) {
            received(routeId.substring(UpRoutes.INTAKE_PREFIX.length())).increment(length);
        } else if (routeId.equals(UpRoutes.FORWARD)
                && !exchange.getMessage().getHeader(PacketForwarding.ALREADY_FORWARDED, false, Boolean.class)) {
            forwarded.increment(length);
        }
    }

    private Counter received(String deviceKey) {
        return Counter.builder("ektp.packets.received").baseUnit("bytes")
                .description("Packet bytes taken from the kecamatan devices")
                .tag("device", deviceKey).register(registry);
    }
}
