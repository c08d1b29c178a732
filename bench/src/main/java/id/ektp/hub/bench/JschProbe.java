package id.ektp.hub.bench;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Logger;
import com.jcraft.jsch.Session;
import java.util.ArrayList;
import java.util.List;

/**
 * What the hub's SSH client (JSch, with camel-ftp's defaults: no cipher list configured)
 * negotiates with the benchmark's servers, so the baseline can be run with the same cipher
 * and the report can say which one was used.
 */
final class JschProbe {
    private JschProbe() {}

    /** The "kex:" lines JSch logs for one connection, or a note why there are none. */
    static String negotiated(BenchEnvironment env) {
        List<String> lines = new ArrayList<>();
        Logger previous = JSch.getLogger();
        JSch.setLogger(new Logger() {
            @Override
            public boolean isEnabled(int level) {
                return true;
            }

            @Override
            public void log(int level, String message) {
                if (message.startsWith("kex: algorithm") || message.startsWith("kex: client->server cipher")) {
                    synchronized (lines) {
                        lines.add(message);
                    }
                }
            }
        });
        Session session = null;
        try {
            JSch jsch = new JSch();
            jsch.addIdentity(env.clientKey().toString());
            jsch.setKnownHosts(env.knownHosts().toString());
            session = jsch.getSession(BenchEnvironment.MINISTRY_USER, "127.0.0.1", env.ministryPort());
            session.setConfig("StrictHostKeyChecking", "yes");
            session.connect(10_000);
        } catch (JSchException e) {
            return "(probe failed: " + e.getMessage() + ")";
        } finally {
            if (session != null) {
                session.disconnect();
            }
            JSch.setLogger(previous);
        }
        synchronized (lines) {
            return lines.isEmpty() ? "(not reported)" : String.join("; ", lines);
        }
    }

    /** The client-to-server cipher from {@link #negotiated}'s text, e.g. {@code aes128-gcm@openssh.com}; null if unknown. */
    static String cipherOf(String negotiated) {
        int at = negotiated.indexOf("client->server cipher: ");
        if (at < 0) {
            return null;
        }
        String rest = negotiated.substring(at + "client->server cipher: ".length());
        int end = rest.indexOf(' ');
        return end < 0 ? rest : rest.substring(0, end);
    }
}
