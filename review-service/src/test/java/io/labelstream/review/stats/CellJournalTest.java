package io.labelstream.review.stats;

import static io.labelstream.review.stats.StatsCounterTest.label;
import static io.labelstream.review.stats.StatsCounterTest.request;
import static io.labelstream.review.stats.StatsCounterTest.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.stats.StatsCounterTest.Counting;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.ReviewReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The statistics' cells written as one journal entry per record, and read back whole from any point. */
class CellJournalTest {

  /** A day and a half of labels, requests and answers, so the minute series' window moves and removes cells. */
  private static List<Consumer<Counting>> stream() {
    List<Consumer<Counting>> records = new ArrayList<>();
    for (int minute = 0; minute < 2_200; minute += 11) {
      int m = minute;
      records.add(c -> c.labelled(label("f" + m % 40, m % 5, m % 3 == 0 ? LabelSource.HUMAN : LabelSource.MODEL, m)));
      records.add(c -> c.requested(request("t" + m, m)));
      records.add(c -> c.answered(result("t" + m, m % 2 == 0 ? "ada" : "bob", m % 5, ReviewReason.AUDIT, m % 4 != 0,
          m + 1)));
      records.add(c -> c.predicted(StatsCounterTest.prediction("f" + m, m)));
    }
    return records;
  }

  /**
   * Whenever a partition stops (after any record) and starts elsewhere from its store, it starts with the cells it had,
   * and counting the rest of the stream there gives the cells counting it all in one place gives.
   */
  @Test
  void shouldReadBackTheCellsAfterAnyRecordAndGoOnFromThem() {
    List<Consumer<Counting>> records = stream();
    Counting whole = new Counting(Map.of(), 7);
    records.forEach(r -> r.accept(whole));

    Counting moving = new Counting(Map.of(), 7);
    for (int i = 0; i < records.size(); i++) {
      records.get(i).accept(moving);
      Counting reopened = new Counting(moving.store, 7);
      assertThat(reopened.cells).as("after record %d", i).isEqualTo(moving.cells);
      if (i % 97 == 0) {
        moving = reopened; // moves on: counts the rest from what its store held
      }
    }
    assertThat(moving.cells).isEqualTo(whole.cells);
    assertThat(new Counting(moving.store, 7).cells).isEqualTo(whole.cells);
  }

  /** Counting on with another number of entries between folds (an upgrade) loses nothing either. */
  @Test
  void shouldGoOnWithAnotherFoldInterval() {
    List<Consumer<Counting>> records = stream();
    Counting whole = new Counting(Map.of(), 1_000);
    records.forEach(r -> r.accept(whole));

    for (int upgradedAt = 300; upgradedAt < 350; upgradedAt++) {
      Counting first = new Counting(Map.of(), 50);
      records.subList(0, upgradedAt).forEach(r -> r.accept(first));
      Counting second = new Counting(first.store, 13);
      for (Consumer<Counting> record : records.subList(upgradedAt, upgradedAt + 20)) {
        record.accept(second);
        assertThat(new Counting(second.store, 13).cells).isEqualTo(second.cells);
      }
      records.subList(upgradedAt + 20, records.size()).forEach(r -> r.accept(second));
      assertThat(new Counting(second.store, 13).cells).isEqualTo(whole.cells);
    }
  }

  /** The store keeps the folded cells and at most one interval of entries, whose slots are reused. */
  @Test
  void shouldKeepAtMostOneIntervalOfEntries() {
    Counting counting = new Counting(Map.of(), 7);
    stream().forEach(r -> r.accept(counting));

    assertThat(counting.store.keySet().stream().filter(k -> k.startsWith(CellJournal.ENTRY))).hasSize(7);
    // Labels came in 200 minutes over 2,200; the day's window holds the last 132 of them. A bucket that left it is
    // gone from the store once folded, as from the heap (a few entries' removals may wait for the next fold).
    String minutes = StatsCounter.CELL_PREFIX + "labels\0MINUTE\0b";
    long inStore = counting.store.keySet().stream().filter(k -> k.startsWith(minutes)).count();
    assertThat(counting.cells.withPrefix("labels\0MINUTE\0b")).hasSize(132);
    assertThat(inStore).isBetween(132L, 140L);
  }

  /**
   * The point of the journal: an answer writes its task and one entry, not each of the ten or so cells it changes (a
   * store write costs a changelog record under exactly-once).
   */
  @Test
  void shouldWriteOneEntryPerRecord() {
    TreeMap<String, byte[]> store = new TreeMap<>();
    List<String> written = new ArrayList<>();
    StatsCounter counter = new StatsCounter(new CellJournal.Reader(), new StatsCounter.Store(store::get,
        (key, value) -> {
          written.add(key);
          store.put(key, value);
        }, store::remove));
    counter.requested(request("t1", 0));
    counter.answered(result("t1", "ada", 1, ReviewReason.AUDIT, true, 1));
    written.clear();

    counter.answered(result("t1", "bob", 2, ReviewReason.AUDIT, false, 2));

    assertThat(written).containsExactly(StatsCounter.taskKey("t1"), CellJournal.ENTRY + "000003");
    assertThat(counter.cells().size()).isGreaterThan(10);
  }
}
