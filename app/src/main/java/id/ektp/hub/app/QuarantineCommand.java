package id.ektp.hub.app;

import id.ektp.hub.config.HubConfig;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;

/**
 * {@code quarantine --config FILE}: what the hub holds in quarantine and why, read straight
 * from its state store (safe beside a running hub: the store is opened read-only).
 */
final class QuarantineCommand implements Command {
    @Override
    public int execute(Options options, PrintStream out, PrintStream err) throws Options.UsageException {
        HubConfig config = options.config(err);
        if (config == null) {
            return EktpHub.BAD_CONFIG;
        }
        try (HubStore store = HubStore.openReadOnly(config.dataDir())) {
            List<QuarantineEntry> held = new QuarantineRecords(store, Clock.systemUTC()).held();
            out.println(held.size() + " item(s) in quarantine (" + config.dataDir().resolve("quarantine") + ")");
            for (QuarantineEntry e : held) {
                out.printf("%s  %-4s %-14s %-22s %s%n    %s%n", e.quarantinedAt(), e.flow(), e.source(),
                        e.reason(), e.quarantineId(), e.detail());
            }
            return EktpHub.OK;
        } catch (Exception e) {
            err.println("ektp-hub quarantine: " + e.getMessage());
            return EktpHub.FAILED;
        }
    }
}
