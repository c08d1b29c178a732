package id.ektp.hub.connectors.printer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a results listing may hand to the route, on real files: the listing decides, nothing is read. */
class ResultFileFilterTest {
    @TempDir
    Path printer;
    final List<ResultFileFilter.Refused> refused = new ArrayList<>();
    final ResultFileFilter<File> filter = new ResultFileFilter<>("DKC-1", (printerId, entry) -> {
        assertEquals("DKC-1", printerId);
        refused.add(entry);
    });

    /** An entry as camel-file lists it: java.io.File's view, which follows links. */
    static GenericFile<File> listed(Path path) {
        File file = path.toFile();
        GenericFile<File> entry = new GenericFile<>();
        entry.setFile(file);
        entry.setFileNameOnly(file.getName());
        entry.setFileName(file.getName());
        entry.setRelativeFilePath(file.getName());
        entry.setAbsoluteFilePath(file.getAbsolutePath());
        entry.setFileLength(file.length());
        entry.setLastModified(file.lastModified());
        entry.setDirectory(file.isDirectory());
        return entry;
    }

    /** An entry as an SFTP listing shows it: a name and the sizes the server states. */
    static GenericFile<Object> listed(String name, long length) {
        GenericFile<Object> entry = new GenericFile<>();
        entry.setFile(new Object());
        entry.setFileNameOnly(name);
        entry.setFileName(name);
        entry.setFileLength(length);
        entry.setLastModified(1_000);
        return entry;
    }

    Path results() throws Exception {
        return Files.createDirectories(printer.resolve("results"));
    }

    @Test
    void aPlainResultFileIsTakenAndOtherNamesArePassedOverSilently() throws Exception {
        Path result = Files.writeString(results().resolve("PRR-3310-000001729.result.json"), "{}");
        Path other = Files.writeString(results().resolve("notes.txt"), "x".repeat(100_000));
        assertTrue(filter.accept(listed(result)));
        assertFalse(filter.accept(listed(other)));
        assertEquals(List.of(), refused);
    }

    @Test
    void aLinkIsRefusedWhateverItPointsTo() throws Exception {
        Path secret = Files.writeString(printer.resolve("admin.token"), "secret");
        Path link = Files.createSymbolicLink(results().resolve("PRR-3310-000001730.result.json"), secret);
        assertFalse(filter.accept(listed(link)));
        assertEquals("SYMBOLIC_LINK", refused.get(0).reason());
        assertEquals("PRR-3310-000001730.result.json", refused.get(0).name());
    }

    @Test
    void aResultsFolderThatIsALinkIsNotFollowed() throws Exception {
        Path elsewhere = Files.createDirectories(printer.resolve("elsewhere"));
        Path file = Files.writeString(elsewhere.resolve("PRR-3310-000001731.result.json"), "{}");
        Path results = Files.createSymbolicLink(printer.resolve("results"), elsewhere);
        assertFalse(filter.accept(listed(results.resolve(file.getFileName()))));
        assertEquals("SYMBOLIC_LINK", refused.get(0).reason());
        assertTrue(refused.get(0).detail().contains("results folder"), refused.get(0).detail());
    }

    @Test
    void aPipeIsNotReadItWouldHangTheRoute() throws Exception {
        Path fifo = results().resolve("PRR-3310-000001734.result.json");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is available");
        assertFalse(filter.accept(listed(fifo)));
        assertEquals("NOT_A_FILE", refused.get(0).reason());
    }

    @Test
    void aFileOverTheLimitIsRefusedWithItsSizeAndOneAtTheLimitIsTaken() throws Exception {
        Path atLimit = Files.write(results().resolve("A.result.json"), new byte[(int) PrinterConnector.MAX_RESULT_BYTES]);
        Path over = Files.write(results().resolve("B.result.json"), new byte[70 * 1024]);
        assertTrue(filter.accept(listed(atLimit)));
        assertFalse(filter.accept(listed(over)));
        assertEquals("TOO_LARGE", refused.get(0).reason());
        assertEquals("not copied: 70 KiB, over the 64 KiB limit", refused.get(0).detail());
        assertEquals(70 * 1024, refused.get(0).size());
    }

    @Test
    void aListedNameThatIsAPathIsRefusedBeforeAnythingIsDone() {
        ResultFileFilter<Object> sftp = new ResultFileFilter<>("DKC-2", (printerId, entry) -> refused.add(entry));
        assertFalse(sftp.accept(listed("x/../../../state/planted.result.json", 200)));
        assertFalse(sftp.accept(listed("..\\..\\planted.result.json", 200)));
        assertFalse(sftp.accept(listed("\u001b[2JPRR-3310-000001732.result.json", 200)));
        assertTrue(sftp.accept(listed("PRR-3310-000001732.result.json", 200)));
        assertEquals(List.of("UNSAFE_NAME", "UNSAFE_NAME", "UNSAFE_NAME"), refused.stream().map(r -> r.reason()).toList());
    }

    @Test
    void anSftpListingsSizeIsTrustedOnlyToRefuse() {
        ResultFileFilter<Object> sftp = new ResultFileFilter<>("DKC-2", (printerId, entry) -> refused.add(entry));
        assertFalse(sftp.accept(listed("PRR-3310-000001733.result.json", 9L * 1024 * 1024)));
        assertEquals("not copied: 9 MiB, over the 64 KiB limit", refused.get(0).detail());
    }
}
