package id.ektp.hub.sandbox.sftp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;

/** JSch and OpenSSH helpers configured the way the hub's Camel SFTP endpoints are. */
final class SftpTestSupport {
    private SftpTestSupport() {
    }

    /**
     * Logs in like camel-ftp with {@code privateKeyFile}, {@code knownHostsFile},
     * {@code strictHostKeyChecking=yes} and {@code useUserKnownHostsFile=false}: only the given known_hosts
     * file is consulted, and only the given key is offered.
     */
    static Session connect(String user, Path privateKey, Path knownHosts, int port) throws JSchException {
        Session session = session(user, privateKey, knownHosts, port);
        session.connect(5_000);
        return session;
    }

    static Session session(String user, Path privateKey, Path knownHosts, int port) throws JSchException {
        JSch jsch = new JSch();
        jsch.setKnownHosts(knownHosts.toString());
        if (privateKey != null) {
            jsch.addIdentity(privateKey.toString());
        }
        Session session = jsch.getSession(user, "127.0.0.1", port);
        session.setConfig("StrictHostKeyChecking", "yes");
        session.setConfig("PreferredAuthentications", "publickey");
        return session;
    }

    static ChannelSftp sftp(Session session) throws JSchException {
        ChannelSftp channel = (ChannelSftp) session.openChannel("sftp");
        channel.connect(5_000);
        return channel;
    }

    /** An executable on PATH (or at the usual /usr/bin location), if installed. */
    static Optional<Path> executable(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/bin");
        return dirs.stream()
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    record ProcessResult(int exitCode, String output) {
    }

    /** Runs a command to completion (at most 60 s), stdout and stderr merged. */
    static ProcessResult run(Path workDir, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(workDir, "process", ".log");
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        assertTrue(finished, () -> "timed out: " + command);
        return new ProcessResult(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
