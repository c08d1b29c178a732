package id.ektp.hub.app;

import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.runtime.DataDirLock;
import id.ektp.hub.runtime.Hub;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

/** {@code run --config FILE}: the hub, until SIGTERM. A bad configuration never starts anything. */
@Command(name = "run", description = "Run the hub until stopped (SIGTERM or Ctrl-C stops it gracefully, exit 0).")
final class RunCommand extends HubCommand {
    @Mixin
    ConfigFile config;

    @Override
    public Integer call() {
        PrintWriter err = err();
        ConfigLoader.Checked checked = config.checked(err);
        if (checked == null) {
            return EktpHub.BAD_CONFIG;
        }
        HubConfig hubConfig = checked.config();
        ValidateCommand.printWarnings(hubConfig.source(), checked.warnings(), err);
        try {
            Hub hub = Hub.create(hubConfig);
            // SIGTERM (systemctl stop, docker stop) and Ctrl-C stop the hub, then the process
            // exits 0. Left to the JVM, the signal would start its shutdown: exit code 143, which
            // systemd counts as a failed unit, and the logging stopped by its own shutdown hook
            // before the hub has said that it stopped. (sun.misc.Signal, in jdk.unsupported: Java
            // has no other way to handle a signal; javac warns about it.)
            for (String signal : List.of("TERM", "INT")) {
                try {
                    Signal.handle(new Signal(signal), s -> hub.stop("SIG" + s.getName()));
                } catch (IllegalArgumentException e) {
                    err.println("ektp-hub: SIG" + signal + " is left to the JVM (" + e.getMessage() + ")");
                }
            }
            hub.run();
            return EktpHub.OK;
        } catch (DataDirLock.InUse e) {
            // Not a failure a restart cures: exit like a bad configuration, without a stack trace.
            err.println("ektp-hub: not started: " + e.getMessage());
            return EktpHub.BAD_CONFIG;
        } catch (Exception e) {
            err.println("ektp-hub: stopped: " + e.getMessage());
            e.printStackTrace(err);
            return EktpHub.FAILED;
        }
    }
}
