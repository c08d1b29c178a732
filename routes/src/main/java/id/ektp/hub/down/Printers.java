package id.ektp.hub.down;

import id.ektp.hub.config.HubConfig.Printer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which printer serves a pickup kecamatan (a printer listing it, else the {@code "*"}
 * default), and where its {@code queue/} and {@code results/} folders are. A printer whose
 * {@code queue/} folder is not there is offline: its jobs wait in the hub.
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

    public static boolean online(Printer printer) {
        return printer.folder() != null && Files.isDirectory(queue(printer));
    }
}
