package id.ektp.hub.connectors.printer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder printer's queue written a page at a time, several files at once. */
class FolderPrinterQueueTest {
    @TempDir
    Path queue;

    @Test
    void aPageOfFilesIsWrittenWholeGroupReadableAndRenamedAfterOneSync() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            files.put(".PRR-%03d.json.part".formatted(i), "{\"prrId\": \"PRR-%03d\"}".formatted(i));
        }
        Files.writeString(queue.resolve(".PRR-007.json.part"), "{\"prrId\":"); // a crash's half-written file
        try (FolderPrinterQueue printer = new FolderPrinterQueue(queue)) {
            printer.writeAll(files);
            assertEquals(100, printer.tempNames(".json.part").size());
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path written = queue.resolve(file.getKey());
                assertEquals(file.getValue(), Files.readString(written));
                assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(written)));
            }
            printer.rename(".PRR-007.json.part", "PRR-007.json");
            printer.sync();
            assertEquals("{\"prrId\": \"PRR-007\"}", Files.readString(queue.resolve("PRR-007.json")));
        }
    }

    @Test
    void oneFileThatCannotBeWrittenFailsThePageAfterTheOthersEnded() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(".PRR-001.json.part", "{}");
        files.put("gone/.PRR-002.json.part", "{}"); // as when the share goes away mid-page
        files.put(".PRR-003.json.part", "{}");
        try (FolderPrinterQueue printer = new FolderPrinterQueue(queue)) {
            IOException failed = assertThrows(IOException.class, () -> printer.writeAll(files));
            assertTrue(failed.getMessage().contains("gone"), failed.getMessage());
            assertEquals(List.of(".PRR-001.json.part", ".PRR-003.json.part"),
                    printer.tempNames(".json.part").stream().sorted().toList());
        }
    }
}
