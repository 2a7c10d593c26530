/**
 * A side ring of the journal: the values a number takes as records are written, each
 * kept with the sequence number from which it holds, so a record's value is found when
 * it is read instead of stored in every record (the Lamport clock's base, the time of a
 * guest's turn). Changes at one sequence number overwrite each other, so with a size of
 * the journal's capacity + 2 the entries kept always cover every record the journal keeps.
 */
export class SeqLog {
  private readonly size: number;
  private readonly seqs: Float64Array;
  private readonly values: Float64Array;
  /** Entries ever noted (one per distinct sequence number): the last is at count - 1. */
  private count = 0;

  constructor(size: number, seq: number, value: number) {
    this.size = size;
    this.seqs = new Float64Array(size);
    this.values = new Float64Array(size);
    this.note(seq, value);
  }

  /** `value` holds from record `seq` on. */
  note(seq: number, value: number): void {
    const last = this.count - 1;
    const lastSeq = this.seqs[last % this.size]!;
    if (this.count > 0 && lastSeq === seq) {
      this.values[last % this.size] = value;
      return;
    }
    if (this.count > 0 && !(seq > lastSeq)) throw new Error(`journal: a side entry at ${seq} after one at ${lastSeq}`);
    const slot = this.count % this.size;
    this.seqs[slot] = seq;
    this.values[slot] = value;
    this.count++;
  }

  /** The value record `seq` was written under: the last entry at or before it (a binary search). */
  at(seq: number): number {
    let low = Math.max(0, this.count - this.size);
    let high = this.count - 1;
    if (!(this.seqs[low % this.size]! <= seq)) throw new Error(`journal: record ${seq} is older than its side ring (from ${this.seqs[low % this.size]})`);
    while (low < high) {
      const mid = Math.floor((low + high + 1) / 2);
      if (this.seqs[mid % this.size]! <= seq) low = mid;
      else high = mid - 1;
    }
    return this.values[low % this.size]!;
  }
}
