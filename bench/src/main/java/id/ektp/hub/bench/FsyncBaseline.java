package id.ektp.hub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The PRR benchmark's yardstick: how long the disk under the printer's queue takes to write,
 * fsync and rename N job files one by one ({@code .<name>.json.part} → {@code <name>.json}, one
 * folder fsync at the end), measured in the same run just before the hub starts. No state
 * store, no JSON, no log: what any dispatch that makes each file durable before its rename costs
 * at the least, on this disk, at this moment.
 */
final class FsyncBaseline {
    private FsyncBaseline() {}

    /** Seconds to write, fsync and rename {@code files} files of {@code bytes} bytes in a fresh {@code dir}. */
    static double seconds(Path dir, int files, int bytes) {
        byte[] content = new byte[bytes];
        Arrays.fill(content, (byte) 'x');
        content[0] = '{';
        content[bytes - 1] = '}';
        try {
            BenchIo.deleteTree(dir);
            Files.createDirectories(dir);
            long t0 = System.nanoTime();
            for (int i = 0; i < files; i++) {
                Path part = dir.resolve(".job-" + i + ".json.part");
                try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    out.write(ByteBuffer.wrap(content));
                    out.force(true);
                }
                Files.move(part, dir.resolve("job-" + i + ".json"), StandardCopyOption.ATOMIC_MOVE);
            }
            try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
                folder.force(true);
            }
            return BenchIo.seconds(System.nanoTime() - t0);
        } catch (IOException e) {
            throw new UncheckedIOException("baseline in " + dir + ": " + e.getMessage(), e);
        } finally {
            BenchIo.deleteTree(dir);
        }
    }

    /** What one job file of the batch weighs: its record, plus the batchId and queuedAt the hub adds. */
    static int jobBytes(PrrBatch batch) {
        int added = (",\"batchId\":\"" + batch.batchId() + "\",\"queuedAt\":\"2026-11-23T09:02:11.123456+07:00\"")
                .getBytes(StandardCharsets.US_ASCII).length;
        return (int) (batch.bytes() / Math.max(1, batch.size())) + added;
    }
}
