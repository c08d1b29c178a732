package id.ektp.hub.sandbox.sim;

import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ministry as the hub sees it: an SFTP inbox that takes packets (and de-duplicates them
 * nationally: a packet id seen twice is counted once), and a link that drops now and then.
 */
public final class MinistrySimulator {
    private static final Logger LOG = LoggerFactory.getLogger("sandbox.ministry");

    private final EmbeddedSftpServer server;
    private final Path inbox;
    private final Set<String> packetIds = ConcurrentHashMap.newKeySet();
    private final AtomicInteger duplicates = new AtomicInteger();

    public MinistrySimulator(EmbeddedSftpServer server, Path inbox) {
        this.server = server;
        this.inbox = inbox;
    }

    /** Takes every complete packet from the inbox (temp names are still being uploaded). */
    public void collect() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(inbox, "*.zip")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!packetIds.add(name.substring(0, name.length() - 4))) {
                    duplicates.incrementAndGet();
                }
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("ministry: reading inbox {}: {}", inbox, e.toString());
        }
    }

    /** The link drops: connections refused until {@link #linkUp()}. */
    public void linkDown() {
        if (server.isRunning()) {
            LOG.warn("ministry: link DOWN (simulated): the hub keeps packets until it is back");
            server.stop();
        }
    }

    public void linkUp() {
        if (!server.isRunning()) {
            server.start();
            LOG.warn("ministry: link UP again (simulated)");
        }
    }

    public boolean isLinkUp() {
        return server.isRunning();
    }

    public int received() {
        return packetIds.size();
    }

    public int duplicates() {
        return duplicates.get();
    }
}
