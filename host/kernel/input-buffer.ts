import type { InputSource } from "./process.ts";

/** How much forwarded input waits for the process to read it before the sender is held back. */
export const INPUT_BUFFER_BYTES = 64 * 1024;

/**
 * A process's fd 0: bytes pushed by whoever forwards its input (a terminal's stdin, or
 * frames from another node), taken by fd_read. Bounded: push says when the buffer is
 * full, and `onTaken` reports every read, so the source can resume (or a remote sender
 * be given credit) as room comes back.
 */
export class InputBuffer implements InputSource {
  private readonly chunks: Uint8Array[] = [];
  private bufferedBytes = 0;
  private endSeen = false;
  private waiters: (() => void)[] = [];
  readonly capacity: number;
  private readonly onTaken: (bytes: number) => void;

  constructor(onTaken: (bytes: number) => void = () => {}, capacity = INPUT_BUFFER_BYTES) {
    this.onTaken = onTaken;
    this.capacity = capacity;
  }

  get ended(): boolean {
    return this.endSeen;
  }

  get buffered(): number {
    return this.bufferedBytes;
  }

  /** Queue `data`; false when the buffer is now at or over capacity (pause the source). */
  push(data: Uint8Array): boolean {
    if (this.endSeen) throw new Error("input pushed after its end");
    if (data.byteLength > 0) {
      this.chunks.push(data);
      this.bufferedBytes += data.byteLength;
      this.wake();
    }
    return this.bufferedBytes < this.capacity;
  }

  /** The input has ended: reads return what is left, then 0 bytes. */
  end(): void {
    this.endSeen = true;
    this.wake();
  }

  ready(): boolean {
    return this.bufferedBytes > 0 || this.endSeen;
  }

  whenReady(): Promise<void> {
    return this.ready() ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  read(max: number): Uint8Array | Promise<Uint8Array> {
    if (!this.ready()) return this.whenReady().then(() => this.take(max));
    return this.take(max);
  }

  private take(max: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let left = max;
    while (left > 0 && this.chunks.length > 0) {
      const head = this.chunks[0]!;
      if (head.byteLength <= left) {
        parts.push(head);
        this.chunks.shift();
        left -= head.byteLength;
      } else {
        parts.push(head.subarray(0, left));
        this.chunks[0] = head.subarray(left);
        left = 0;
      }
    }
    const taken = max - left;
    this.bufferedBytes -= taken;
    if (this.bufferedBytes < 0 || (this.bufferedBytes === 0) !== (this.chunks.length === 0)) throw new Error("input buffer accounting broke");
    if (taken > 0) this.onTaken(taken);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
