package id.ektp.hub.app;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sandbox [--dir DIR]}: the embedded default, until Ctrl-C. */
@Command(name = "sandbox",
        description = "Run the hub against simulated devices, ministry and printers on this machine, until Ctrl-C.")
final class SandboxCommand extends HubCommand {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "sandbox-run",
            description = "where the sandbox keeps everything, kept between runs (default: ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() {
        Sandbox sandbox;
        try {
            sandbox = Sandbox.start(dir, Sandbox.Ports.DEFAULT, Sandbox.Pace.DEFAULT);
        } catch (Exception e) {
            err().println("ektp-hub sandbox: could not start: " + e.getMessage());
            return EktpHub.FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "sandbox-shutdown"));
        out().println("""

                ektp-hub sandbox is running in %1$s  (Ctrl-C stops it; the folder is kept)
                  configuration   %1$s/config/sandbox.yaml
                  device outboxes %1$s/sftp/devices/<device>/outbox     (SFTP 127.0.0.1:%2$d)
                  device receipts %1$s/sftp/devices/<device>/receipts   (what became of each packet)
                  ministry inbox  %1$s/sftp/ministry/inbox              (SFTP 127.0.0.1:%3$d, drops now and then)
                  hub data        %1$s/data   (spool/, quarantine/, state/hub.db)
                  quarantine      java -jar app/target/ektp-hub.jar quarantine --config %1$s/config/sandbox.yaml
                  status page     http://127.0.0.1:%4$d/   ("Perlu tindak lanjut": who must come in)
                  counter         http://127.0.0.1:%4$d/counter   (a resident's journey: take a NIK from
                                  %1$s/residents.txt, the token from %1$s/secrets/admin.token)
                  follow-ups      java -jar app/target/ektp-hub.jar followups --config %1$s/config/sandbox.yaml
                """.formatted(sandbox.dir(), Sandbox.Ports.DEFAULT.devices(), Sandbox.Ports.DEFAULT.ministry(),
                Sandbox.Ports.DEFAULT.http()));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return EktpHub.OK;
    }
}
