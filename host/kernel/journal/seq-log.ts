/**
 * A side ring of the journal: the values a number takes as records are written, each
 * kept with the sequence number from which it holds, so a record's value is found when
 * it is read instead of stored in every record (the Lamport clock's base, the time of a
 * guest's turn). Changes at one sequence number overwrite each other, so with a size of
 * the journal's capacity + 2 the entries kept always cover every record the journal keeps.
 * A note costs no division (it runs at every guest turn): the last slot is kept as is.
 */
export class SeqLog {
  private readonly size: number;
  private readonly seqs: Float64Array;
  private readonly values: Float64Array;
  /** Entries ever noted (one per distinct sequence number). */
  private count = 0;
  /** The slot of the last entry noted. */
  private last = 0;

  constructor(size: number, seq: number, value: number) {
    this.size = size;
    this.seqs = new Float64Array(size);
    this.values = new Float64Array(size);
    this.seqs[0] = seq;
    this.values[0] = value;
    this.count = 1;
  }

  /** `value` holds from record `seq` on. */
  note(seq: number, value: number): void {
    const last = this.last;
    const lastSeq = this.seqs[last]!;
    if (seq === lastSeq) {
      this.values[last] = value;
      return;
    }
    if (!(seq > lastSeq)) throw new Error(`journal: a side entry at ${seq} after one at ${lastSeq}`);
    const slot = last + 1 === this.size ? 0 : last + 1;
    this.seqs[slot] = seq;
    this.values[slot] = value;
    this.last = slot;
    this.count++;
  }

  /** The value record `seq` was written under: the last entry at or before it (a binary search). */
  at(seq: number): number {
    // Entries by age: the i-th oldest kept is in slot (first + i) % size.
    const kept = Math.min(this.count, this.size);
    const first = (this.last + 1 + this.size - kept) % this.size;
    const slot = (i: number) => (first + i) % this.size;
    if (!(this.seqs[slot(0)]! <= seq)) throw new Error(`journal: record ${seq} is older than its side ring (from ${this.seqs[slot(0)]})`);
    let low = 0;
    let high = kept - 1;
    while (low < high) {
      const mid = Math.floor((low + high + 1) / 2);
      if (this.seqs[slot(mid)]! <= seq) low = mid;
      else high = mid - 1;
    }
    return this.values[slot(low)]!;
  }
}
