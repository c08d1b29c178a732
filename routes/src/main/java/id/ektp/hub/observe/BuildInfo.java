package id.ektp.hub.observe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Which hub this is: its own version, and the Camel and Java it runs on. {@code --version},
 * {@code /api/status}, the status page's footer and the {@code ektp_build_info} meter all say
 * the same thing, so an operator reporting a problem can tell which build it is.
 *
 * <p>The version is the jar manifest's {@code Implementation-Version} (ektp-hub.jar has it);
 * run from classes (tests, an IDE) there is no manifest, and the version Maven wrote into
 * {@code build.properties} at build time is used instead.
 */
public record BuildInfo(String version, String camelVersion, String javaVersion) {
    private static final BuildInfo CURRENT = read();

    public static BuildInfo current() {
        return CURRENT;
    }

    /** {@code ektp-hub 0.1.0-SNAPSHOT (Camel 4.18.0, Java 17.0.15)}. */
    public String text() {
        return "ektp-hub " + version + " (Camel " + camelVersion + ", Java " + javaVersion + ")";
    }

    private static BuildInfo read() {
        Properties built = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                built.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String manifest = BuildInfo.class.getPackage().getImplementationVersion();
        return new BuildInfo(manifest != null ? manifest : built.getProperty("version", "unknown"),
                built.getProperty("camel", "unknown"), System.getProperty("java.version"));
    }
}
