package id.ektp.hub.connectors.printer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The results routes' read lock, poll by poll: what a listing shows decides, nothing else. */
class SettledSinceLastPollTest {
    final AtomicLong clock = new AtomicLong();
    final SettledSinceLastPoll<File> lock = new SettledSinceLastPoll<>(clock::get);

    static GenericFile<File> listed(String path, long length, long lastModified) {
        GenericFile<File> file = new GenericFile<>();
        file.setAbsoluteFilePath(path);
        file.setFileLength(length);
        file.setLastModified(lastModified);
        return file;
    }

    static Exchange from(String routeId) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getExchangeExtension().setFromRouteId(routeId);
        return exchange;
    }

    boolean poll(String route, String path, long length, long lastModified) {
        clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
        return lock.acquireExclusiveReadLock(null, listed(path, length, lastModified), from(route));
    }

    @Test
    void aFileIsTakenOnceTwoPollsInARowListedItUnchanged() {
        assertFalse(poll("r", "/results/A.result.json", 240, 1000), "first seen: maybe still being written");
        assertTrue(poll("r", "/results/A.result.json", 240, 1000));
        assertEquals(0, lock.watching(), "forgotten once taken");
    }

    @Test
    void aFileStillGrowingOrTouchedWaits() {
        assertFalse(poll("r", "/results/B.result.json", 100, 1000));
        assertFalse(poll("r", "/results/B.result.json", 240, 1000), "grew");
        assertFalse(poll("r", "/results/B.result.json", 240, 2000), "written again, same size");
        assertTrue(poll("r", "/results/B.result.json", 240, 2000));
    }

    @Test
    void anEmptyFileIsNeverTaken() {
        assertFalse(poll("r", "/results/C.result.json", 0, 1000));
        assertFalse(poll("r", "/results/C.result.json", 0, 1000));
        assertFalse(poll("r", "/results/C.result.json", 0, 1000));
    }

    @Test
    void eachPrinterRouteIsWatchedOnItsOwn() {
        assertFalse(poll("down-results-DKC-1", "results/D.result.json", 240, 1000));
        assertFalse(poll("down-results-DKC-2", "results/D.result.json", 240, 1000),
                "the same path on another printer is another file");
        assertTrue(poll("down-results-DKC-1", "results/D.result.json", 240, 1000));
    }

    @Test
    void aFileThatVanishedIsForgottenAfterAWhile() {
        assertFalse(poll("r", "/results/E.result.json", 240, 1000)); // then removed by someone else
        assertEquals(1, lock.watching());
        clock.addAndGet(SettledSinceLastPoll.FORGET_AFTER_NANOS);
        assertFalse(poll("r", "/results/F.result.json", 240, 1000));
        assertEquals(1, lock.watching(), "E forgotten, F watched");
    }
}
