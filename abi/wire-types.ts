// Generates host/transport/wire-types.ts, the TypeScript types of abi/wire.proto's
// messages, through abi/gen.ts: the schema is written once, in the .proto.
import path from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

const PROTO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "wire.proto");
const HEADER = "// Generated from abi/wire.proto by abi/gen.ts. Do not edit.";

/** Where a string field is really one of a few words (the .proto says which in a comment). */
const STRING_UNIONS: Record<string, string> = { "Member.state": "MemberState" };

/** The message every frame carries after the handshake: a header, then exactly one body field (numbers from 10). */
const MSG = "Msg";
const FIRST_BODY_FIELD = 10;

const SCALARS: Record<string, string> = {
  string: "string",
  bool: "boolean",
  bytes: "Uint8Array",
  double: "number",
  float: "number",
  int32: "number",
  uint32: "number",
  sint32: "number",
  fixed32: "number",
  sfixed32: "number",
  int64: "U64",
  uint64: "U64",
  sint64: "U64",
  fixed64: "U64",
  sfixed64: "U64",
};

/** A nested type's TS name: Times.Change -> Times_Change. */
const tsName = (t: protobuf.ReflectionObject): string => t.fullName.replace(/^\.onebox\.wire\./, "").replace(/\./g, "_");

function fieldType(owner: protobuf.Type, field: protobuf.Field): string {
  const union = STRING_UNIONS[`${owner.name}.${field.name}`];
  const resolved = field.resolve().resolvedType;
  const one = union ?? (resolved ? (resolved instanceof protobuf.Enum ? "number" : tsName(resolved)) : SCALARS[field.type]);
  if (one === undefined) throw new Error(`wire.proto: ${owner.name}.${field.name} has type ${field.type}, which the generator does not map`);
  if (field.map) return `Record<string, ${one}>`;
  return field.repeated ? `${one}[]` : one;
}

/**
 * Optional (`?:`, and null when absent on decode): a field marked `optional` in the
 * .proto, and a singular message field. Everything else always has a value on decode
 * (proto3's default), so the type says so.
 */
function isOptional(field: protobuf.Field): boolean {
  const synthetic = field.partOf !== null && field.partOf.name === `_${field.name}`;
  const message = field.resolvedType instanceof protobuf.Type && !field.repeated && !field.map;
  return synthetic || message;
}

function member(owner: protobuf.Type, field: protobuf.Field): string {
  const type = fieldType(owner, field);
  return isOptional(field) ? `${field.name}?: ${type} | null` : `${field.name}: ${type}`;
}

function messageType(type: protobuf.Type): string[] {
  const comment = type.comment ? [`/** ${type.comment.replace(/\n/g, " ")} */`] : [];
  if (type.fieldsArray.length === 0) return [...comment, `export type ${tsName(type)} = Record<string, never>;`];
  const fields = type.fieldsArray.flatMap((f) => [...(f.comment ? [`  /** ${f.comment.replace(/\n/g, " ")} */`] : []), `  ${member(type, f)};`]);
  return [...comment, `export interface ${tsName(type)} {`, ...fields, "}"];
}

function enumConst(e: protobuf.Enum): string[] {
  const values = Object.entries(e.values).map(([k, v]) => `${k}: ${v}`);
  return [`export const ${tsName(e)} = { ${values.join(", ")} } as const;`];
}

export function wireTypes(): string {
  const root = new protobuf.Root();
  root.loadSync(PROTO, { alternateCommentMode: true, keepCase: false });
  root.resolveAll();
  const ns = root.lookup("onebox.wire") as protobuf.Namespace;
  const types: protobuf.Type[] = [];
  const enums: protobuf.Enum[] = [];
  const walk = (n: protobuf.NamespaceBase): void => {
    for (const child of n.nestedArray) {
      if (child instanceof protobuf.Type) types.push(child);
      if (child instanceof protobuf.Enum) enums.push(child);
      if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) walk(child as protobuf.NamespaceBase);
    }
  };
  walk(ns);
  const msg = types.find((t) => t.name === MSG)!;
  const frame = types.find((t) => t.name === "Frame")!;
  const headers = msg.fieldsArray.filter((f) => f.id < FIRST_BODY_FIELD);
  const bodies = msg.fieldsArray.filter((f) => f.id >= FIRST_BODY_FIELD);
  const out = [
    HEADER,
    "",
    "/** 64-bit fields arrive as Long (or number) and leave as number, string or bigint text. */",
    "export type U64 = number | string | { toString(): string };",
    "",
    'export type MemberState = "alive" | "suspect" | "down";',
    "",
  ];
  for (const e of enums) out.push(...enumConst(e), "");
  for (const t of types) {
    if (t === msg || t === frame) continue;
    out.push(...messageType(t), "");
  }
  out.push("/** The bodies a Msg can carry, by field name (exactly one is set). */", "export interface Bodies {");
  for (const f of bodies) out.push(`  ${f.name}: ${fieldType(msg, f)};`);
  out.push("}", "", "export type BodyName = keyof Bodies;", "", "/** One body: exactly one key of Bodies set. */");
  out.push("export type Body = { [K in BodyName]: { [P in K]: Bodies[K] } }[BodyName];", "");
  out.push(`/** A call (id > 0), its reply (replyTo > 0) or a cast, with its one body. */`);
  out.push(`export type Msg = Body & { ${headers.map((f) => `${f.name}?: ${fieldType(msg, f)}`).join("; ")} };`, "");
  out.push("/** One WebSocket message: exactly one of these. */", "export type Frame =");
  for (const f of frame.fieldsArray) out.push(`  | { ${f.name}: ${fieldType(frame, f)} }`);
  out[out.length - 1] += ";";
  return out.join("\n") + "\n";
}
