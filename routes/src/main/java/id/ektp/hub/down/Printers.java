package id.ektp.hub.down;

import id.ektp.hub.config.HubConfig.Printer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which printer serves a pickup kecamatan (a printer listing it, else the {@code "*"}
 * default), and where its {@code queue/} and {@code results/} are: inside its local
 * {@code folder}, or inside {@code sftp.baseDir} on its SFTP account.
 */
public final class Printers {
    private final List<Printer> printers;

    public Printers(List<Printer> printers) {
        this.printers = List.copyOf(printers);
    }

    public Optional<Printer> serving(String kecamatanCode) {
        return printers.stream().filter(p -> p.serves().contains(kecamatanCode)).findFirst()
                .or(() -> printers.stream().filter(Printer::isDefault).findFirst());
    }

    public List<Printer> all() {
        return printers;
    }

    public static Path queue(Printer printer) {
        return printer.folder().resolve("queue");
    }

    public static Path results(Printer printer) {
        return printer.folder().resolve("results");
    }

    /** {@code queue} or {@code results} inside an SFTP printer's {@code baseDir}, as a path on its account. */
    public static String remote(Printer printer, String folder) {
        String base = printer.baseDir() == null ? "." : printer.baseDir();
        return base.equals(".") ? folder : base.endsWith("/") ? base + folder : base + "/" + folder;
    }
}
