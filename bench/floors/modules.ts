// Hand-assembled modules for the floors: nothing between V8 and the thing measured.

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/**
 * The minimal module local-spawn spawns and floor-instantiate instantiates:
 *
 *   (module (memory (export "memory") 1) (func (export "_start")))
 */
export function minimalModuleBytes(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    ...HEADER,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: [] -> []
    0x03, 0x02, 0x01, 0x00, // function section: one func of type 0
    0x05, 0x03, 0x01, 0x00, 0x01, // memory section: one memory, min 1 page
    0x07, 0x13, 0x02, // export section, two exports
    0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, // "memory" = memory 0
    0x06, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x00, // "_start" = func 0
    0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code: empty body
  ]);
}

/**
 * A loop that calls an import N times, for floor-import-call and floor-suspend:
 *
 *   (module
 *     (import "bench" "f" (func (result i32)))
 *     (func (export "run") (param $n i32) (result i32)
 *       (loop (drop (call 0)) (br_if 0 (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
 *       (i32.const 0)))
 */
export function importLoopBytes(): Uint8Array<ArrayBuffer> {
  const body = [
    0x00, // no locals beyond the parameter
    0x03, 0x40, 0x10, 0x00, 0x1a, // loop, call 0, drop
    0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, // n = n - 1; br_if 0 (n); end
    0x41, 0x00, 0x0b, // i32.const 0, end
  ];
  return new Uint8Array([
    ...HEADER,
    0x01, 0x0a, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, // types: [] -> [i32], [i32] -> [i32]
    0x02, 0x0b, 0x01, 0x05, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x01, 0x66, 0x00, 0x00, // import "bench" "f", type 0
    0x03, 0x02, 0x01, 0x01, // function section: one func of type 1
    0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01, // export "run" = func 1
    0x0a, body.length + 2, 0x01, body.length, ...body, // code section
  ]);
}

const name = (text: string): number[] => [text.length, ...new TextEncoder().encode(text)];
/** A section: id, then its content's size (every one here is under 128 bytes: one LEB byte). */
const section = (id: number, content: number[]): number[] => [id, content.length, ...content];

/**
 * A WASI preview1 hello, the program cli-run-hello and its floor both run as a whole process:
 *
 *   (module
 *     (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
 *     (memory (export "memory") 1)
 *     (data (i32.const 0) "\10\00\00\00\06\00\00\00")   ;; one iovec: "hello\n" at 16
 *     (data (i32.const 16) "hello\n")
 *     (func (export "_start") (drop (call 0 (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
 */
export function wasiHelloBytes(): Uint8Array<ArrayBuffer> {
  const i32 = 0x7f;
  const body = [0x00, 0x41, 0x01, 0x41, 0x00, 0x41, 0x01, 0x41, 0x08, 0x10, 0x00, 0x1a, 0x0b];
  return new Uint8Array([
    ...HEADER,
    ...section(0x01, [0x02, 0x60, 0x04, i32, i32, i32, i32, 0x01, i32, 0x60, 0x00, 0x00]), // types: fd_write's, [] -> []
    ...section(0x02, [0x01, ...name("wasi_snapshot_preview1"), ...name("fd_write"), 0x00, 0x00]),
    ...section(0x03, [0x01, 0x01]), // one func of type 1
    ...section(0x05, [0x01, 0x00, 0x01]), // one memory, min 1 page
    ...section(0x07, [0x02, ...name("memory"), 0x02, 0x00, ...name("_start"), 0x00, 0x01]),
    ...section(0x0a, [0x01, body.length, ...body]),
    ...section(0x0b, [0x02, 0x00, 0x41, 0x00, 0x0b, 0x08, 0x10, 0, 0, 0, 0x06, 0, 0, 0, 0x00, 0x41, 0x10, 0x0b, ...name("hello\n")]),
  ]);
}
