/**
 * The values a component call takes and gives (jco's lifted WIT values: numbers, bigints,
 * strings, byte and i32 lists, lists, records), as bytes for a record. Encoding the
 * arguments also compares them: a replay's call matches when its bytes do.
 *
 *   0 undefined  1 null  2 false  3 true  4 f64  5 bigint (u32 length + decimal text)
 *   6 string (u32 length + UTF-8)  7 Uint8Array (u32 length + bytes)
 *   8 Int32Array (u32 count + i32s)  9 list (u32 count + values)
 *   10 record (u32 count + (u32 length + UTF-8 key, value))
 */
const UNDEFINED = 0;
const NULL = 1;
const FALSE = 2;
const TRUE = 3;
const NUMBER = 4;
const BIGINT = 5;
const STRING = 6;
const BYTES = 7;
const I32S = 8;
const LIST = 9;
const RECORD = 10;
/** Nesting a decoded value may have: WIT values are a few levels deep. */
const MAX_DEPTH = 16;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: false });

/** Writes values; `out` is any sink with these four methods (record-format's ByteSink). */
export interface ValueSink {
  u8(value: number): void;
  u32(value: number): void;
  bytes(data: Uint8Array): void;
  blob(data: Uint8Array): void;
}

export function writeValue(sink: ValueSink, value: unknown): void {
  if (value === undefined) return sink.u8(UNDEFINED);
  if (value === null) return sink.u8(NULL);
  if (typeof value === "boolean") return sink.u8(value ? TRUE : FALSE);
  if (typeof value === "number") {
    sink.u8(NUMBER);
    const f64 = new Uint8Array(8);
    new DataView(f64.buffer).setFloat64(0, value, true);
    return sink.bytes(f64);
  }
  if (typeof value === "bigint") {
    sink.u8(BIGINT);
    return sink.blob(utf8.encode(value.toString()));
  }
  if (typeof value === "string") {
    sink.u8(STRING);
    return sink.blob(utf8.encode(value));
  }
  if (value instanceof Uint8Array) {
    sink.u8(BYTES);
    return sink.blob(value);
  }
  if (value instanceof Int32Array) {
    sink.u8(I32S);
    return sink.blob(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  }
  if (Array.isArray(value)) {
    sink.u8(LIST);
    sink.u32(value.length);
    for (const item of value) writeValue(sink, item);
    return;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value);
    sink.u8(RECORD);
    sink.u32(entries.length);
    for (const [key, item] of entries) {
      sink.blob(utf8.encode(key));
      writeValue(sink, item);
    }
    return;
  }
  throw new TypeError(`a component call's value of type ${typeof value} cannot be recorded`);
}

/** Reads what writeValue wrote; `fail` throws the reader's one-line error. */
export interface ValueSource {
  readonly left: number;
  u8(what: string): number;
  u32(what: string): number;
  take(n: number, what: string): Uint8Array;
  blob(what: string): Uint8Array;
  fail(why: string): never;
}

export function readValue(src: ValueSource, depth = 0): unknown {
  if (depth > MAX_DEPTH) src.fail(`a value nested over ${MAX_DEPTH} deep`);
  const tag = src.u8("a value's tag");
  switch (tag) {
    case UNDEFINED:
      return undefined;
    case NULL:
      return null;
    case FALSE:
      return false;
    case TRUE:
      return true;
    case NUMBER: {
      const raw = src.take(8, "a number");
      return new DataView(raw.buffer, raw.byteOffset, 8).getFloat64(0, true);
    }
    case BIGINT: {
      const digits = fromUtf8.decode(src.blob("a bigint"));
      if (!/^-?\d{1,20}$/.test(digits)) src.fail(`not a bigint: ${digits.slice(0, 32)}`);
      return BigInt(digits);
    }
    case STRING:
      return fromUtf8.decode(src.blob("a string"));
    case BYTES:
      // A copy (new Uint8Array copies; a Buffer's slice would not).
      return new Uint8Array(src.blob("a byte list"));
    case I32S: {
      const raw = src.blob("an i32 list");
      if (raw.byteLength % 4 !== 0) src.fail(`an i32 list of ${raw.byteLength} bytes`);
      return new Int32Array(new Uint8Array(raw).buffer);
    }
    case LIST: {
      const count = src.u32("a list's length");
      if (count > src.left) src.fail(`a list of ${count} values in ${src.left} bytes`);
      const list: unknown[] = [];
      for (let i = 0; i < count; i++) list.push(readValue(src, depth + 1));
      return list;
    }
    case RECORD: {
      const count = src.u32("a record's field count");
      if (count > src.left / 5) src.fail(`a record of ${count} fields in ${src.left} bytes`);
      const record: { [key: string]: unknown } = {};
      for (let i = 0; i < count; i++) {
        const key = fromUtf8.decode(src.blob("a field name"));
        Object.defineProperty(record, key, { value: readValue(src, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return record;
    }
    default:
      return src.fail(`unknown value tag ${tag}`);
  }
}
