package id.ektp.hub.across;

import id.ektp.hub.connectors.link.Link;
import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.store.DeviceStates;
import id.ektp.hub.store.DeviceStates.Reported;
import id.ektp.hub.store.HubStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns device link states into reports: DEVICE_DOWN once a device has been unreachable for
 * {@code reports.deviceDownAfter}, naming the neighbouring kecamatan whose devices are up so
 * residents can record there meanwhile; DEVICE_UP when it is back. One report per transition:
 * what was reported is stored with the report, so a restart neither repeats nor forgets one.
 */
public final class DeviceWatch {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.devices");
    static final String DOWN = "DOWN";
    static final String UP = "UP";

    private final Links links;
    private final DeviceStates states;
    private final FailureReports reports;
    private final HubStore store;
    private final Clock clock;
    private final Supplier<List<Device>> devices;
    private volatile Duration downAfter;

    public DeviceWatch(Links links, DeviceStates states, FailureReports reports, HubStore store, Clock clock,
                       Supplier<List<Device>> devices, Duration downAfter) {
        this.links = links;
        this.states = states;
        this.reports = reports;
        this.store = store;
        this.clock = clock;
        this.devices = devices;
        this.downAfter = downAfter;
    }

    public void downAfter(Duration downAfter) {
        this.downAfter = downAfter;
    }

    public void check() {
        Instant now = clock.instant();
        Map<String, Reported> reported = states.all();
        List<Device> all = devices.get();
        for (Device device : all) {
            Link link = links.link(device.key()).orElse(null);
            if (link == null) {
                continue; // not polled yet since the start
            }
            boolean reportedDown = reported.containsKey(device.key()) && DOWN.equals(reported.get(device.key()).state());
            if (!link.up() && !reportedDown && !link.since().plus(downAfter).isAfter(now)) {
                List<String> nearest = nearestWorking(device, all);
                store.transact(c -> {
                    reports.deviceLink(true, device.kecamatan(), device.deviceId(), link.since(), link.lastError(), nearest);
                    states.record(device.key(), DOWN, link.since(), link.lastError(), now);
                    return null;
                });
                LOG.warn("device {}/{} ({}): DEVICE_DOWN reported, unreachable since {}: {}; residents can record at {}",
                        device.kecamatan(), device.deviceId(), device.name(), link.since(), link.lastError(),
                        nearest.isEmpty() ? "(no neighbour is up)" : nearest);
            } else if (link.up() && reportedDown) {
                store.transact(c -> {
                    reports.deviceLink(false, device.kecamatan(), device.deviceId(), link.since(), null, List.of());
                    states.record(device.key(), UP, link.since(), null, now);
                    return null;
                });
                LOG.info("device {}/{} ({}): DEVICE_UP reported, reachable again since {}", device.kecamatan(),
                        device.deviceId(), device.name(), link.since());
            }
        }
    }

    /** The configured neighbours whose every device was last seen up. */
    private List<String> nearestWorking(Device device, List<Device> all) {
        return device.neighbours().stream()
                .filter(kecamatan -> {
                    List<Device> there = all.stream().filter(d -> d.kecamatan().equals(kecamatan)).toList();
                    return !there.isEmpty() && there.stream().allMatch(d -> links.link(d.key()).map(Link::up).orElse(false));
                })
                .toList();
    }
}
