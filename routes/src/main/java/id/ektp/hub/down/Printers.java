package id.ektp.hub.down;

import id.ektp.hub.config.HubConfig.Printer;
import java.util.List;
import java.util.Optional;

/**
 * Which printer serves a pickup kecamatan: a printer listing it, else the {@code "*"} default.
 * (Where a printer's {@code queue/} and {@code results/} are is the connector's business:
 * {@link id.ektp.hub.connectors.printer.PrinterConnector}.)
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
}
