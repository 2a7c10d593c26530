import { fail } from "../kernel/errors.ts";
import type { MailboxLevel } from "../kernel/mailbox.ts";

/**
 * Messages one node may have outstanding toward one process on another node. A remote
 * mailbox that is full holds back its credit, so a sender sees EAGAIN after this many
 * more, as it would at a full local mailbox. Large enough that a draining receiver never
 * stalls a sender: a window per round trip is millions of messages a second.
 */
export const SEND_WINDOW = 4096;

/**
 * Credit goes back a quarter window at a time, not per delivery: a grant per message was
 * a frame of its own on the other connection, doubling a remote round trip's frames.
 * A sender with no credit left has a whole window unreturned, so a grant is always due.
 */
export const GRANT_BATCH = SEND_WINDOW / 4;

/** How often a node looks whether a full mailbox that holds back credit has drained. */
export const DRAIN_POLL_MS = 2;

/**
 * The sender's half, one per Link: credit left per target pid. A pid with a full window
 * has no entry, so the map only holds pairs with messages in flight or parked.
 */
export class SendCredits {
  private readonly used = new Map<number, number>();

  /** Spend one credit toward `pid`, or EAGAIN. */
  take(pid: number): void {
    const used = this.used.get(pid) ?? 0;
    if (used >= SEND_WINDOW) fail("EAGAIN", `mailbox of ${pid} is full (no send credit left on its node)`);
    this.used.set(pid, used + 1);
  }

  /** The target's node gave back `n` credits. */
  grant(pid: number, n: number): void {
    const used = this.used.get(pid) ?? 0;
    if (n > used) throw new Error(`flow control: ${n} credits granted for ${pid}, only ${used} in use`);
    if (used === n) this.used.delete(pid);
    else this.used.set(pid, used - n);
  }
}

export interface ReceiveCreditsOptions {
  /** The mailbox of a local pid, or undefined for a process that is gone. */
  readonly mailbox: (pid: number) => MailboxLevel | undefined;
  /** Give `n` credits for `pid` back to the sending node. */
  readonly grant: (pid: number, n: number) => void;
  readonly setTimer: (run: () => void, ms: number) => unknown;
}

/**
 * The receiver's half, one per inbound connection (its sender node). A message that lands
 * in a mailbox with room is credited (returned in grants of GRANT_BATCH); one that lands
 * in a full mailbox is held until the process drains it. Messages to a process that is
 * gone are dropped and credited.
 */
export class ReceiveCredits {
  private readonly options: ReceiveCreditsOptions;
  private readonly held = new Map<number, number>();
  private readonly due = new Map<number, number>();
  private polling = false;
  private closed = false;

  constructor(options: ReceiveCreditsOptions) {
    this.options = options;
  }

  /** A message for `pid` was delivered (or dropped, for a process that is gone). */
  delivered(pid: number): void {
    const mailbox = this.options.mailbox(pid);
    // Behind a held message the pair stays held, so credit returns in order of drain.
    if (mailbox && (mailbox.overfull || this.held.has(pid))) {
      this.held.set(pid, (this.held.get(pid) ?? 0) + 1);
      this.poll();
      return;
    }
    this.credit(pid, 1);
  }

  /** The connection went: the sender's Link starts again with full windows. */
  close(): void {
    this.closed = true;
    this.held.clear();
    this.due.clear();
  }

  private credit(pid: number, n: number): void {
    const due = (this.due.get(pid) ?? 0) + n;
    if (due < GRANT_BATCH) {
      this.due.set(pid, due);
      return;
    }
    this.due.delete(pid);
    this.options.grant(pid, due);
  }

  private poll(): void {
    if (this.polling) return;
    this.polling = true;
    this.options.setTimer(() => {
      this.polling = false;
      if (this.closed) return;
      for (const [pid, held] of this.held) {
        const mailbox = this.options.mailbox(pid);
        const n = mailbox ? Math.min(held, mailbox.room) : held;
        if (n <= 0) continue;
        if (n === held) this.held.delete(pid);
        else this.held.set(pid, held - n);
        this.credit(pid, n);
      }
      if (this.held.size > 0) this.poll();
    }, DRAIN_POLL_MS);
  }
}
