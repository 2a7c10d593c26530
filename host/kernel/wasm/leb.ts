// LEB128 decoding and a growable byte writer for the wasm rewriter.
// Decoding goes through one mutable Reader so hot loops allocate nothing.

/** Malformed or truncated bytes; the message names the byte offset. */
export class DecodeError extends Error {}

export class Reader {
  buf: Uint8Array;
  pos: number;
  end: number;
  /** Names the enclosing structure in truncation messages ("code section", "function body"). */
  what: string;

  constructor(buf: Uint8Array, pos: number, end: number, what: string) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.what = what;
  }

  truncated(at: number): DecodeError {
    return new DecodeError(`unexpected end of ${this.what} at offset ${at}`);
  }

  peek(): number {
    if (this.pos >= this.end) throw this.truncated(this.pos);
    return this.buf[this.pos];
  }

  byte(): number {
    if (this.pos >= this.end) throw this.truncated(this.pos);
    return this.buf[this.pos++];
  }

  skip(n: number): void {
    if (n > this.end - this.pos) throw this.truncated(this.end);
    this.pos += n;
  }

  u32(): number {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    let pos = start;
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= end) throw this.truncated(pos);
      const b = buf[pos++];
      // The fifth byte may only carry the top four bits of the value (and no continuation).
      if (shift === 28 && b > 0x0f) throw new DecodeError(`LEB128 at offset ${start} does not fit in 32 bits`);
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
  }

  /** Unsigned 64-bit value as a number; exact up to 2^53, which covers every real memory64 limit. */
  u64(): number {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    let pos = start;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw this.truncated(pos);
      const b = buf[pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = pos;
        return result;
      }
      scale *= 128;
    }
    throw new DecodeError(`malformed LEB128 at offset ${start}: longer than 10 bytes`);
  }

  skipS32(): void {
    this.skipLeb(5);
  }

  skipS33(): void {
    this.skipLeb(5);
  }

  skipS64(): void {
    this.skipLeb(10);
  }

  /** Also used for u32 indices and u64 offsets whose value the caller does not need. */
  skipLeb(maxBytes: number): void {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    const limit = start + maxBytes;
    let pos = start;
    for (;;) {
      if (pos >= end) throw this.truncated(pos);
      if (buf[pos++] < 0x80) {
        this.pos = pos;
        return;
      }
      if (pos >= limit) throw new DecodeError(`malformed LEB128 at offset ${start}: longer than ${maxBytes} bytes`);
    }
  }
}

/** Bytes needed for the unsigned LEB128 encoding of v. */
export function ulebSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

export class ByteWriter {
  buf: Uint8Array;
  len = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.len + n, this.buf.length * 2));
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  /** Unsigned LEB128 of any non-negative safe integer. */
  uleb(v: number): void {
    this.reserve(10);
    const buf = this.buf;
    let len = this.len;
    while (v >= 0x80) {
      buf[len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[len++] = v;
    this.len = len;
  }

  /** Signed LEB128 of a 32-bit integer. */
  sleb(v: number): void {
    this.reserve(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      // Stop once the remaining bits are all copies of the sign bit just written.
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.buf[this.len++] = b;
        return;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }

  /** Signed LEB128 of a non-negative safe integer (an i64.const operand). */
  slebNonNegative(v: number): void {
    this.reserve(8);
    while (v >= 0x40) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  copy(src: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    this.buf.set(src.subarray(start, end), this.len);
    this.len += end - start;
  }

  /** The written bytes, trimmed to size. */
  bytes(): Uint8Array {
    return this.len === this.buf.length ? this.buf : this.buf.slice(0, this.len);
  }
}
