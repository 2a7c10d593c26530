/**
 * A side ring of the journal: the values a number takes as records are written, each
 * kept with the sequence number from which it holds, so a record's value is found when
 * it is read instead of stored in every record (the Lamport clock's base, the time of a
 * guest's turn). Changes at one sequence number overwrite each other, so with a size of
 * the journal's capacity + 2 the entries kept always cover every record the journal keeps.
 * A note runs at every guest turn, so it costs no division, and touches one typed array
 * and small-integer fields only: the last slot is kept as is, an entry's sequence number
 * and value sit side by side.
 */
export class SeqLog {
  /** Entries kept: a small integer, which the compiler compares without converting. */
  private readonly size: number;
  /** Entry i: its sequence number at 2i, its value at 2i + 1. */
  private readonly entries: Float64Array;
  /** Entries ever noted (one per distinct sequence number). */
  private count = 0;
  /** The slot of the last entry noted. */
  private last = 0;

  constructor(size: number, seq: number, value: number) {
    if (!(Number.isInteger(size) && size >= 1 && size <= 2 ** 30)) throw new RangeError(`journal: a side ring of ${size} entries`);
    this.size = size | 0;
    this.entries = new Float64Array(2 * size);
    this.entries[0] = seq;
    this.entries[1] = value;
    this.count = 1;
  }

  /** `value` holds from record `seq` on. */
  note(seq: number, value: number): void {
    const entries = this.entries;
    const last = this.last;
    const lastSeq = entries[2 * last]!;
    if (seq === lastSeq) {
      entries[2 * last + 1] = value;
      return;
    }
    if (!(seq > lastSeq)) throw new Error(`journal: a side entry at ${seq} after one at ${lastSeq}`);
    const slot = last + 1 === this.size ? 0 : last + 1;
    entries[2 * slot] = seq;
    entries[2 * slot + 1] = value;
    this.last = slot;
    this.count++;
  }

  /** The value record `seq` was written under: the last entry at or before it. */
  at(seq: number): number {
    return this.entries[2 * this.slotOf(seq) + 1]!;
  }

  /** The sequence number from which that value holds (at or before `seq`). */
  since(seq: number): number {
    return this.entries[2 * this.slotOf(seq)]!;
  }

  /** The slot of the last entry at or before record `seq` (a binary search). */
  private slotOf(seq: number): number {
    // Entries by age: the i-th oldest kept is in slot (first + i) % size.
    const kept = Math.min(this.count, this.size);
    const first = (this.last + 1 + this.size - kept) % this.size;
    const seqAt = (i: number) => this.entries[2 * ((first + i) % this.size)]!;
    if (!(seqAt(0) <= seq)) throw new Error(`journal: record ${seq} is older than its side ring (from ${seqAt(0)})`);
    let low = 0;
    let high = kept - 1;
    while (low < high) {
      const mid = Math.floor((low + high + 1) / 2);
      if (seqAt(mid) <= seq) low = mid;
      else high = mid - 1;
    }
    return (first + low) % this.size;
  }
}
