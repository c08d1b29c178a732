package id.ektp.hub.runtime;

import id.ektp.hub.config.HubConfig;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.config.HubConfig.Printer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What an edit of the configuration changes, in the terms a running hub can act on: device and
 * printer routes to add, remove or replace, policies to swap, schedules to restart, and the
 * keys that only take effect at the next start (the regency, dataDir, the HTTP server, the
 * ministry links, the packet size limit: those are built into the store, the server, the
 * connections and the packet inspector; the NIK key, which every stored hash depends on).
 *
 * <p>{@link #running()} is the configuration the hub runs after the edit: the new one, except
 * that the restart-only sections keep their running values until the restart.
 */
public record ConfigChange(
        HubConfig running,
        List<Device> devicesAdded, List<Device> devicesRemoved, List<Device> devicesChanged,
        List<Printer> printersAdded, List<Printer> printersRemoved, List<Printer> printersChanged,
        boolean stockChanged, boolean schedulesChanged, boolean reportsChanged, boolean printingChanged,
        boolean adminTokenFileChanged, boolean minFreeChanged, List<String> restartNeeded) {

    public static ConfigChange between(HubConfig before, HubConfig edited) {
        Map<String, Device> oldDevices = byKey(before.devices(), Device::key);
        Map<String, Device> newDevices = byKey(edited.devices(), Device::key);
        Map<String, Printer> oldPrinters = byKey(before.printers(), Printer::id);
        Map<String, Printer> newPrinters = byKey(edited.printers(), Printer::id);

        List<String> restart = new ArrayList<>();
        note(restart, "regency", before.regency(), edited.regency());
        note(restart, "dataDir", before.dataDir(), edited.dataDir());
        note(restart, "http.host", before.http().host(), edited.http().host());
        note(restart, "http.port", before.http().port(), edited.http().port());
        note(restart, "ministry.sftp", before.ministry().sftp(), edited.ministry().sftp());
        note(restart, "ministry.broker", before.ministry().broker(), edited.ministry().broker());
        note(restart, "limits.maxPacketBytes", before.limits().maxPacketBytes(), edited.limits().maxPacketBytes());
        note(restart, "privacy.nikKeyFile", before.privacy(), edited.privacy());

        HubConfig running = new HubConfig(edited.source(), before.regency(), before.dataDir(),
                new HubConfig.Http(before.http().host(), before.http().port(), edited.http().adminTokenFile()),
                before.ministry(), edited.devices(), edited.printers(), edited.stock(), edited.printing(),
                edited.reports(), new HubConfig.Limits(before.limits().maxPacketBytes(), edited.limits().minFreeBytes()),
                before.privacy());

        return new ConfigChange(running,
                missingFrom(oldDevices, newDevices), missingFrom(newDevices, oldDevices), changed(oldDevices, newDevices),
                missingFrom(oldPrinters, newPrinters), missingFrom(newPrinters, oldPrinters),
                changed(oldPrinters, newPrinters),
                !before.stock().equals(edited.stock()),
                !before.stock().checkSchedule().equals(edited.stock().checkSchedule())
                        || !before.reports().statusInterval().equals(edited.reports().statusInterval()),
                !before.reports().equals(edited.reports()),
                !before.printing().equals(edited.printing()),
                !before.http().adminTokenFile().equals(edited.http().adminTokenFile()),
                before.limits().minFreeBytes() != edited.limits().minFreeBytes(),
                restart);
    }

    /** Whether the edit changes anything the running hub does (a comment or a reordering does not). */
    public boolean isEmpty() {
        return summary().isEmpty() && restartNeeded.isEmpty();
    }

    /** One line per change, for the log: "device 33.10.07/KLT01 added". */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        devicesAdded.forEach(d -> lines.add("device " + d.kecamatan() + "/" + d.deviceId() + " added"));
        devicesRemoved.forEach(d -> lines.add("device " + d.kecamatan() + "/" + d.deviceId() + " removed"));
        devicesChanged.forEach(d -> lines.add("device " + d.kecamatan() + "/" + d.deviceId() + " changed"));
        printersAdded.forEach(p -> lines.add("printer " + p.id() + " added"));
        printersRemoved.forEach(p -> lines.add("printer " + p.id() + " removed"));
        printersChanged.forEach(p -> lines.add("printer " + p.id() + " changed"));
        if (stockChanged) {
            lines.add("stock thresholds or schedule changed");
        }
        if (reportsChanged) {
            lines.add("reports changed");
        }
        if (printingChanged) {
            lines.add("printing.maxAttempts changed");
        }
        if (adminTokenFileChanged) {
            lines.add("http.adminTokenFile changed");
        }
        if (minFreeChanged) {
            lines.add("limits.minFreeBytes changed");
        }
        return lines;
    }

    private static void note(List<String> restart, String key, Object before, Object edited) {
        if (!Objects.equals(before, edited)) {
            restart.add(key + " changed: takes effect at the next restart");
        }
    }

    private static <T> Map<String, T> byKey(List<T> items, Function<T, String> key) {
        Map<String, T> map = new LinkedHashMap<>();
        items.forEach(item -> map.put(key.apply(item), item));
        return map;
    }

    /** The items of {@code b} whose key {@code a} lacks. */
    private static <T> List<T> missingFrom(Map<String, T> a, Map<String, T> b) {
        return b.entrySet().stream().filter(e -> !a.containsKey(e.getKey())).map(Map.Entry::getValue).toList();
    }

    /** The new items whose key was there before with other settings. */
    private static <T> List<T> changed(Map<String, T> before, Map<String, T> after) {
        return after.entrySet().stream()
                .filter(e -> before.containsKey(e.getKey()) && !before.get(e.getKey()).equals(e.getValue()))
                .map(Map.Entry::getValue).toList();
    }
}
