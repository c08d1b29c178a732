package id.ektp.hub.down;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;

class BatchSpoolNamesTest {

    @Test
    void theMinistrysOrderIsByDateThenSequenceNumberWhateverItsWidthOrHashPrefix() {
        List<String> expected = List.of(
                "c0ffee000000~prr-3310-20261122-0012.json",
                "00aa00000000~prr-3310-20261123-7.json",
                "ffffffffffff~prr-3310-20261123-0009.json",
                "123456789abc~prr-3310-20261123-10.json",
                "000000000000~prr-3310-20261123-0011.json",
                "prr-3310-20261124-1.json"); // a name in the ministry's outbox, without a prefix
        List<String> listed = new ArrayList<>(expected);
        Collections.reverse(listed);
        List<GenericFile<?>> files = new ArrayList<>();
        for (String name : listed) {
            GenericFile<Object> file = new GenericFile<>();
            file.setFileNameOnly(name);
            files.add(file);
        }
        files.sort(BatchSpoolNames.MINISTRY_ORDER);
        assertEquals(expected, files.stream().map(GenericFile::getFileNameOnly).toList());
    }

    @Test
    void aSpoolNameKeepsTheMinistrysName() {
        String name = BatchSpoolNames.of("0123456789abcdef", "prr-3310-20261123-0004.json");
        assertEquals("0123456789ab~prr-3310-20261123-0004.json", name);
        assertEquals("prr-3310-20261123-0004.json", BatchSpoolNames.ministryName(name));
    }
}
