package id.ektp.hub.app;

import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.runtime.Hub;
import java.io.PrintStream;

/** {@code run --config FILE}: the hub, until SIGTERM. A bad configuration never starts anything. */
final class RunCommand implements Command {
    @Override
    public int execute(Options options, PrintStream out, PrintStream err) throws Options.UsageException {
        ConfigLoader.Checked checked = options.checkedConfig(err);
        if (checked == null) {
            return EktpHub.BAD_CONFIG;
        }
        HubConfig config = checked.config();
        ValidateCommand.printWarnings(config.source(), checked.warnings(), err);
        try {
            Hub.create(config).run();
            return EktpHub.OK;
        } catch (Exception e) {
            err.println("ektp-hub: stopped: " + e.getMessage());
            e.printStackTrace(err);
            return EktpHub.FAILED;
        }
    }
}
