package id.ektp.hub.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.spool.SecureFiles;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.PrintJob;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.PrintJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What-if for the findings, not the hub: the dispatch step alone (PENDING jobs in the state store →
 * job files in a {@code queue/} folder), on the real {@link HubStore} ({@code synchronous=FULL}) and
 * {@link PrintJobs}, the same disk, three ways:
 *
 * <ul>
 *   <li>{@code as-is}: what {@code JobDispatcher.queue} does per job: write {@code .<id>.json.part},
 *       fsync it, {@code markQueued} (an UPDATE and an audit row, <em>two</em> commits), rename, fsync
 *       the folder: four fsyncs per job;</li>
 *   <li>{@code one-commit}: the same with {@code markQueued} in one transaction: three per job;</li>
 *   <li>{@code grouped}: per pass of up to 500 pending jobs: write and fsync each part file, mark them
 *       all QUEUED in one transaction, rename them all, fsync the folder once: one per job plus two per
 *       pass. Crash safety is unchanged: a job is marked QUEUED only after its file is on disk, and
 *       renamed only after the mark; a crash in between leaves QUEUED jobs with temp files, which
 *       {@code finishInterrupted} already renames on restart.</li>
 * </ul>
 *
 * No Camel and no log line per job, so only the differences between the variants mean anything.
 */
final class PrrDispatchPrototype {
    private static final int PASS = 500;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    record Result(String variant, int jobs, double seconds) {
        double perSecond() {
            return jobs / seconds;
        }
    }

    static final List<String> VARIANTS = List.of("as-is", "one-commit", "grouped");

    static Result run(String variant, Path dir, int n) throws Exception {
        PrrIo.deleteTree(dir);
        Path queue = Files.createDirectories(dir.resolve("printers/DKC-1/queue"));
        HubStore store = HubStore.open(dir.resolve("data"));
        try {
            PrintJobs jobs = new PrintJobs(store, Clock.systemUTC());
            store.transact(c -> {
                for (int i = 0; i < n; i++) {
                    String prrId = String.format("PRR-3310-9%08d", i + 1);
                    String pickup = PrrPeers.DEVICES.get(i % PrrPeers.DEVICES.size()).kecamatan();
                    ObjectNode r = PrrBatchFactory.record(prrId, PacketFactory.nikFor(pickup, i), pickup);
                    jobs.create(prrId, "prr-3310-20261123-9999", pickup, r.get("nik").asText(), r.toString());
                }
                return null;
            });
            long start = System.nanoTime();
            while (true) {
                List<PrintJob> pending = jobs.inState(PrintJobState.PENDING, PASS);
                if (pending.isEmpty()) {
                    break;
                }
                switch (variant) {
                    case "as-is" -> {
                        for (PrintJob job : pending) {
                            Instant at = Instant.now();
                            Path part = writePart(queue, job, at);
                            jobs.markQueued(job.prrId(), "DKC-1", at);
                            publish(part, queue.resolve(job.prrId() + ".json"));
                            SecureFiles.fsyncDirectory(queue);
                        }
                    }
                    case "one-commit" -> {
                        for (PrintJob job : pending) {
                            Instant at = Instant.now();
                            Path part = writePart(queue, job, at);
                            store.transact(c -> {
                                jobs.markQueued(job.prrId(), "DKC-1", at);
                                return null;
                            });
                            publish(part, queue.resolve(job.prrId() + ".json"));
                            SecureFiles.fsyncDirectory(queue);
                        }
                    }
                    case "grouped" -> {
                        List<Path> parts = new ArrayList<>(pending.size());
                        List<Instant> times = new ArrayList<>(pending.size());
                        for (PrintJob job : pending) {
                            Instant at = Instant.now();
                            parts.add(writePart(queue, job, at));
                            times.add(at);
                        }
                        store.transact(c -> {
                            for (int i = 0; i < pending.size(); i++) {
                                jobs.markQueued(pending.get(i).prrId(), "DKC-1", times.get(i));
                            }
                            return null;
                        });
                        for (int i = 0; i < pending.size(); i++) {
                            publish(parts.get(i), queue.resolve(pending.get(i).prrId() + ".json"));
                        }
                        SecureFiles.fsyncDirectory(queue);
                    }
                    default -> throw new IllegalArgumentException(variant);
                }
            }
            double seconds = PrrIo.seconds(System.nanoTime() - start);
            int files = PrrIo.countVisible(queue);
            if (files != n) {
                throw new PrrIo.PrrFailure("prototype " + variant + ": " + files + " job files, expected " + n);
            }
            return new Result(variant, n, seconds);
        } finally {
            store.close();
            PrrIo.deleteTree(dir);
        }
    }

    /** As {@code JobDispatcher.queue}: the record plus batchId and queuedAt, group-readable, forced to disk. */
    private static Path writePart(Path queue, PrintJob job, Instant at) throws IOException {
        Path part = queue.resolve("." + job.prrId() + ".json.part");
        ObjectNode document = (ObjectNode) JSON.readTree(job.record());
        document.put("batchId", job.batchId());
        document.put("queuedAt", TIME.format(at.atOffset(ZoneOffset.ofHours(7))));
        Files.writeString(part, JSON.writeValueAsString(document), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-r-----"));
        SecureFiles.fsync(part);
        return part;
    }

    private static void publish(Path part, Path target) throws IOException {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static String format(List<Result> results) {
        StringBuilder b = new StringBuilder();
        for (Result r : results) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f |%n", r.variant(), r.jobs(), r.seconds(),
                    r.perSecond()));
        }
        return b.toString();
    }

    private PrrDispatchPrototype() {}
}
