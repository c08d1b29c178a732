package id.ektp.hub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heap figures both benchmarks report come from lines a JDK 17 G1 log really has. */
class GcLogTest {
    @TempDir
    Path dir;

    @Test
    void peaksOverTheWholeLogAndOverTheWindowTheLiveSetFromTheFullCollection() throws IOException {
        Path log = Files.write(dir.resolve("gc.log"), List.of(
                "[0.005s][info][gc,init] Version: 17.0.15+6-Debian-1deb12u1 (release)",
                "[0.614s][info][gc          ] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(64M) 8.500ms",
                "[1.527s][info][gc          ] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 30M->13M(64M) 1.500ms",
                "[1.598s][info][gc             ] GC(2) Pause Full (System.gc()) 39M->11M(44M) 12.000ms",
                "[1.600s][info][gc,heap,exit   ]  garbage-first heap   total 45056K, used 12288K [0x00000000fc000000)"));

        GcLog gc = GcLog.parse(log, 1.0);

        assertEquals(3, gc.collections());
        assertEquals(1, gc.fullCollections());
        assertEquals(22.0, gc.pauseMillis(), 1e-9);
        assertEquals(39.0, gc.peakUsedMiB());
        assertEquals(13.0, gc.peakAfterGcMiB());
        assertEquals(64.0, gc.peakCommittedMiB());
        assertEquals(11.0, gc.liveAfterFullGcMiB());
        assertEquals(2, gc.windowCollections());
        assertEquals(39.0, gc.windowPeakUsedMiB());
        assertEquals(13.0, gc.windowPeakAfterGcMiB());
    }

    @Test
    void noLogMeansUnknownFigures() {
        GcLog gc = GcLog.parse(dir.resolve("missing.log"), 0);

        assertEquals(0, gc.collections());
        assertEquals(-1, gc.peakUsedMiB());
        assertEquals(-1, gc.liveAfterFullGcMiB());
    }
}
