package id.ektp.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A print job as the DOWN flow moves it (BatchProcessor, JobDispatcher, PrintResultIntake,
 * StrandedJobs): created PENDING, QUEUED on a printer, then PRINTED, FAILED, or back to
 * PENDING for a reprint; each result counts one print. A PRR id has one job, queued from
 * PENDING only, so a card is never queued twice at once.
 */
class PrintJobLifecycleTest {
    private static final String PRR = "PRR-3310-000001729";
    private static final Instant QUEUED_AT = Instant.parse("2026-03-02T02:00:00Z");

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock();
    private HubStore store;
    private PrintJobs jobs;

    @BeforeEach
    void open() throws Exception {
        store = HubStore.open(dataDir);
        jobs = new PrintJobs(store, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aNewJobIsPendingAndAPrrIdGetsOnlyOneJob() {
        assertTrue(jobs.create(PRR, "prr-3310-20260302-0001", "33.10.05", "3310050101900001", "{\"v\":1}"));
        assertFalse(jobs.create(PRR, "prr-3310-20260302-0002", "33.10.06", "3310060101900002", "{\"v\":2}"),
                "the same PRR in a later batch");

        PrintJob job = jobs.find(PRR).orElseThrow();
        assertEquals(PrintJobState.PENDING, job.state());
        assertEquals("prr-3310-20260302-0001", job.batchId(), "the first job is kept as it was");
        assertEquals("{\"v\":1}", job.record());
        assertEquals(0, job.prints());
        assertNull(job.printerId());
    }

    @Test
    void aPendingJobIsQueuedOnOnePrinterOnce() {
        created();
        assertTrue(jobs.markQueued(PRR, "DKC-1", QUEUED_AT));
        // a second dispatcher pass that read the job while it was still PENDING
        assertFalse(jobs.markQueued(PRR, "DKC-2", QUEUED_AT.plusSeconds(1)));

        PrintJob job = jobs.find(PRR).orElseThrow();
        assertEquals(PrintJobState.QUEUED, job.state());
        assertEquals("DKC-1", job.printerId());
        assertEquals(QUEUED_AT, job.queuedAt());
        assertEquals(List.of("QUEUED"), Sql.auditEvents(store, "prr:" + PRR));
    }

    @ParameterizedTest(name = "a {0} job is not queued again")
    @EnumSource(value = PrintJobState.class, names = {"QUEUED", "PRINTED", "FAILED"})
    void onlyAPendingJobIsQueued(PrintJobState state) {
        jobIn(state);
        int auditBefore = Sql.auditEvents(store, "prr:" + PRR).size();
        PrintJob before = jobs.find(PRR).orElseThrow();

        assertFalse(jobs.markQueued(PRR, "DKC-2", QUEUED_AT.plusSeconds(60)));

        assertEquals(before, jobs.find(PRR).orElseThrow(), "nothing written");
        assertEquals(auditBefore, Sql.auditEvents(store, "prr:" + PRR).size());
    }

    @Test
    void aFailedPrintGoesBackToPendingAndIsQueuedAgainCountingEachPrint() {
        jobIn(PrintJobState.QUEUED);
        jobs.recordPrint(PRR, PrintJobState.PENDING, "FAILED INK_SMEAR, print 1: queued again");
        assertEquals(PrintJobState.PENDING, jobs.find(PRR).orElseThrow().state());
        assertEquals(1, jobs.find(PRR).orElseThrow().prints());

        assertTrue(jobs.markQueued(PRR, "DKC-1", QUEUED_AT.plusSeconds(90)), "the reprint");
        jobs.recordPrint(PRR, PrintJobState.PRINTED, "PRINTED BLK2026A0001240");

        PrintJob job = jobs.find(PRR).orElseThrow();
        assertEquals(PrintJobState.PRINTED, job.state());
        assertEquals(2, job.prints(), "two blanks used");
        assertEquals("PRINTED BLK2026A0001240", job.lastResult());
        assertEquals(List.of("QUEUED", "PENDING", "QUEUED", "PRINTED"), Sql.auditEvents(store, "prr:" + PRR));
    }

    @Test
    void aResultForAJobTheStoreDoesNotHaveIsRefused() {
        StoreException refused = assertThrows(StoreException.class,
                () -> jobs.recordPrint(PRR, PrintJobState.PRINTED, "PRINTED BLK2026A0001240"));
        assertTrue(refused.getMessage().contains("no print job " + PRR), refused.getMessage());
        assertEquals(List.of(), Sql.auditEvents(store, "prr:" + PRR), "no audit line without its job");
    }

    @Test
    void theSameResultSeenTwiceIsRecordedOnce() {
        jobIn(PrintJobState.QUEUED);
        String key = PRR + "|BLK2026A0001234|2026-03-02T02:05:00+07:00";
        assertTrue(jobs.recordResult(key, PRR, "DKC-1", "FAILED", "INK_SMEAR", "BLK2026A0001234", "2026-03-02T02:05:00+07:00"));
        assertFalse(jobs.recordResult(key, PRR, "DKC-1", "FAILED", "INK_SMEAR", "BLK2026A0001234", "2026-03-02T02:05:00+07:00"));
        assertEquals(1, Sql.count(store, "SELECT COUNT(*) FROM print_result WHERE prr_id = ?", PRR));
    }

    @Test
    void requeueTakesBackOnlyTheJobsQueuedOnThatPrinterOldestFirst() {
        for (String prr : List.of("PRR-3310-000000001", "PRR-3310-000000002", "PRR-3310-000000003", "PRR-3310-000000004")) {
            jobs.create(prr, "b-1", "33.10.05", "3310050101900001", "{}");
        }
        jobs.markQueued("PRR-3310-000000002", "DKC-9", QUEUED_AT);
        jobs.markQueued("PRR-3310-000000001", "DKC-9", QUEUED_AT.plusSeconds(1));
        jobs.markQueued("PRR-3310-000000003", "DKC-1", QUEUED_AT);
        // stays PENDING: "PRR-3310-000000004"

        assertEquals(List.of("PRR-3310-000000001", "PRR-3310-000000002"), jobs.requeue("DKC-9", "printer stolen"),
                "in job order (seq), whatever order they were queued in");

        assertEquals(PrintJobState.PENDING, jobs.find("PRR-3310-000000001").orElseThrow().state());
        assertEquals("queued again by an operator: printer stolen", jobs.find("PRR-3310-000000002").orElseThrow().lastResult());
        assertEquals(List.of("QUEUED", "REQUEUED"), Sql.auditEvents(store, "prr:PRR-3310-000000002"));
        assertEquals(PrintJobState.QUEUED, jobs.find("PRR-3310-000000003").orElseThrow().state(), "another printer's job");
        assertEquals(List.of(), jobs.requeue("DKC-9", "again"), "nothing is left queued on it");
        assertTrue(jobs.markQueued("PRR-3310-000000001", "DKC-1", QUEUED_AT.plusSeconds(60)), "free to go to another printer");
    }

    @Test
    void aPrintedJobIsNotTakenBackByARequeue() {
        jobIn(PrintJobState.PRINTED);
        assertEquals(List.of(), jobs.requeue("DKC-1", "printer removed"));
        assertEquals(PrintJobState.PRINTED, jobs.find(PRR).orElseThrow().state());
    }

    @Test
    void queuedJobsAreCountedPerPrinterWithTheOldestQueueTime() {
        jobs.create("PRR-3310-000000001", "b-1", "33.10.05", "3310050101900001", "{}");
        jobs.create("PRR-3310-000000002", "b-1", "33.10.05", "3310050101900002", "{}");
        jobs.markQueued("PRR-3310-000000002", "DKC-1", QUEUED_AT.plusSeconds(30));
        jobs.markQueued("PRR-3310-000000001", "DKC-1", QUEUED_AT);
        assertEquals(new Backlog(2, QUEUED_AT), jobs.queuedByPrinter().get("DKC-1"));
        assertEquals(Backlog.EMPTY, jobs.backlog().get(PrintJobState.PENDING));
        assertEquals(2, jobs.backlog().get(PrintJobState.QUEUED).count());
    }

    @Test
    void jobsInAStateArePagedOldestFirst() {
        for (int i = 1; i <= 5; i++) {
            jobs.create("PRR-3310-00000000" + i, "b-1", "33.10.05", "3310050101900001", "{}");
        }
        List<PrintJob> first = jobs.inState(PrintJobState.PENDING, 2);
        assertEquals(List.of("PRR-3310-000000001", "PRR-3310-000000002"), first.stream().map(PrintJob::prrId).toList());
        List<PrintJob> next = jobs.inState(PrintJobState.PENDING, first.get(1).seq(), 2);
        assertEquals(List.of("PRR-3310-000000003", "PRR-3310-000000004"), next.stream().map(PrintJob::prrId).toList());
    }

    @Test
    void aBatchSeenAgainIsKnownByItsHashAndKeepsItsOutcome() {
        String sha = "c".repeat(64);
        assertEquals(Optional.empty(), jobs.batchState(sha));
        jobs.batchReceived(sha, "prr-3310-20260302-0001.json");
        assertEquals(Optional.of("RECEIVED"), jobs.batchState(sha));
        jobs.batchDone(sha, "prr-3310-20260302-0001.json", "prr-3310-20260302-0001", "DONE", 998, 2);
        jobs.batchReceived(sha, "prr-3310-20260302-0001.json"); // the ministry sent it again
        assertEquals(Optional.of("DONE"), jobs.batchState(sha), "taken once: not back to RECEIVED");
        assertEquals(List.of("DONE"), Sql.auditEvents(store, "batch:prr-3310-20260302-0001"));
    }

    /**
     * FINDING (not fixed here): {@link PrintJobs#recordPrint} moves a job from any state, and
     * PrintResultIntake.record does not check that the job is QUEUED on the printer the result
     * came from (only its release path does). A stray FAILED result for a PRINTED job (a printer
     * taken out with jobs on it, its jobs requeued, then put back and printing its old queue)
     * sends the job back to PENDING and prints a second card. A guard here would change what
     * the results route does with such a file (today: counted and applied), so it is for the
     * DOWN flow to decide; enable this once it does.
     */
    @Test
    @Disabled("finding: recordPrint accepts a result for a job that is not QUEUED; see the comment")
    void aPrintedJobIsNotSentBackToPendingByALaterResult() {
        jobIn(PrintJobState.PRINTED);
        assertThrows(StoreException.class,
                () -> jobs.recordPrint(PRR, PrintJobState.PENDING, "FAILED INK_SMEAR, print 2: queued again"));
        assertEquals(PrintJobState.PRINTED, jobs.find(PRR).orElseThrow().state());
    }

    private void created() {
        jobs.create(PRR, "prr-3310-20260302-0001", "33.10.05", "3310050101900001", "{}");
        clock.advance(Duration.ofSeconds(1));
    }

    /** Brings the job into {@code state} the way the flow does. */
    private void jobIn(PrintJobState state) {
        created();
        if (state != PrintJobState.PENDING) {
            jobs.markQueued(PRR, "DKC-1", QUEUED_AT);
        }
        switch (state) {
            case PRINTED -> jobs.recordPrint(PRR, PrintJobState.PRINTED, "PRINTED BLK2026A0001234");
            case FAILED -> jobs.recordPrint(PRR, PrintJobState.FAILED, "FAILED DATA_MISMATCH after 1 print(s)");
            default -> { }
        }
        assertEquals(state, jobs.find(PRR).orElseThrow().state());
    }
}
