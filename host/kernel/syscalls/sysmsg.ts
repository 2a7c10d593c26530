import { FLAGS, LAYOUTS } from "../../../abi/abi.ts";
import { fail, SysError } from "../errors.ts";
import type { Message, TagFilter } from "../mailbox.ts";
import type { Process } from "../process.ts";
import type { HandlerTable } from "./dispatch.ts";

const INFO = LAYOUTS.recv_info;
const MAX_TAGS = 64;
/** The filter of a recv that takes any message: shared, as most do. */
const ANY_TAG: TagFilter = [];

/** Hand the oldest match to the guest, or leave it queued with E2BIG if it does not fit. */
function deliver(proc: Process, index: number, bufPtr: number, bufLen: number, infoPtr: number): number {
  const m = proc.memory;
  const message = proc.mailbox.peek(index);
  const len = message.data.byteLength;
  m.setI32(infoPtr + INFO.fields.len.offset, len);
  if (len > bufLen >>> 0) fail("E2BIG", `message of ${len} bytes, buffer of ${bufLen}`);
  takeMessage(proc, index);
  m.write(bufPtr, message.data);
  m.setI32(infoPtr + INFO.fields.sender.offset, message.sender);
  m.setI32(infoPtr + INFO.fields.tag.offset, message.tag);
  return len;
}

/** Take queued message `index` out of the mailbox, whole. */
export function takeMessage(proc: Process, index: number): Message {
  const message = proc.mailbox.peek(index);
  proc.mailbox.remove(index);
  proc.recvFrom = message.sender;
  proc.recvLamport = message.lamport ?? 0;
  proc.recvInJournal = message.inJournal;
  return message;
}

const MAX_MESSAGE_BYTES = FLAGS.limits.MAX_MESSAGE_BYTES.value;

/** A message must fit one wire frame wherever it goes, so the limit is the same for a local send. */
function checkMessageSize(bytes: number): void {
  if (bytes > MAX_MESSAGE_BYTES) fail("EMSGSIZE", `${bytes} bytes, over MAX_MESSAGE_BYTES (${MAX_MESSAGE_BYTES})`);
}

/** The message calls without guest pointers, for both kinds of guest. */
export const messageOps = {
  /** `inJournal`: the send's journal record keeps the first bytes of `data` (a core guest's, which copies them from its memory). */
  send(proc: Process, pid: number, tag: number, data: Uint8Array, inJournal = false): void {
    if (tag < 0) fail("EINVAL", "tags below 0 are the system's");
    checkMessageSize(data.byteLength);
    proc.kernel.send(proc.pid, pid, tag, data, inJournal);
  },

  /**
   * Wait up to `timeoutMs` for the oldest message matching `filter`, then hand its index
   * to `take`, which either removes it or throws leaving it queued.
   */
  recv<R>(proc: Process, filter: TagFilter, timeoutMs: number, take: (index: number) => R): R | Promise<R> {
    if (filter.length > MAX_TAGS) fail("EINVAL", `tags_count must be 0..${MAX_TAGS}`);
    const found = proc.mailbox.find(filter);
    if (found >= 0) return take(found);
    if (timeoutMs === 0) fail("EAGAIN", "no matching message");
    return proc.suspend<R>((resume, failed) => {
      const timer =
        timeoutMs > 0
          ? proc.timeout(timeoutMs, () => {
              proc.mailbox.cancelWait();
              failed(new SysError("ETIMEDOUT", `recv after ${timeoutMs} ms`));
            })
          : undefined;
      // Delivered in the wake-up itself, not in a .then after it: one promise hop less.
      proc.mailbox.wait(filter, () => {
        proc.cancelTimeout(timer);
        try {
          resume(take(proc.mailbox.find(filter)));
        } catch (error) {
          failed(error);
        }
      });
    });
  },
};

export const messageCalls = {
  send(proc, pid, tag, dataPtr, dataLen) {
    // A bad pointer is EFAULT whatever its length; a good one is sized before it is copied out.
    proc.memory.probe(dataPtr, dataLen);
    checkMessageSize(dataLen);
    messageOps.send(proc, pid, tag, proc.memory.copy(dataPtr, dataLen), true);
    return 0;
  },

  recv(proc, tagsPtr, tagsCount, timeoutMs, bufPtr, bufLen, infoPtr) {
    const m = proc.memory;
    if (tagsCount < 0 || tagsCount > MAX_TAGS) fail("EINVAL", `tags_count must be 0..${MAX_TAGS}`);
    const filter: TagFilter = tagsCount === 0 ? ANY_TAG : Array.from({ length: tagsCount }, (_, i) => m.i32(tagsPtr + 4 * i));
    m.probe(bufPtr, bufLen);
    m.probe(infoPtr, INFO.size);
    return messageOps.recv(proc, filter, timeoutMs, (index) => deliver(proc, index, bufPtr, bufLen, infoPtr));
  },
} satisfies Partial<HandlerTable>;
