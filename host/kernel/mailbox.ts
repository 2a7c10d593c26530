import { invariant } from "./invariant.ts";

export interface Message {
  readonly sender: number;
  readonly tag: number;
  readonly data: Uint8Array;
  /** The sender's Lamport time at the send (with `sender`, the message's id); none for the system's. */
  readonly lamport?: number;
  /**
   * Its first bytes are in its send's record in this node's journal (a core guest's send
   * on this node): the record of the recv that takes it names that record instead of
   * copying them again (recorder.ts).
   */
  readonly inJournal: boolean;
}

/** Bytes of message data queued in all the mailboxes of one node, and the most they may be. */
export class MailboxBudget {
  readonly limit: number;
  used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  add(bytes: number): void {
    this.used += bytes;
    invariant(this.used >= 0, () => `mailbox budget: ${this.used} bytes counted`);
  }
}

/** Tags a receiver accepts; empty accepts any. */
export type TagFilter = readonly number[];

const matches = (filter: TagFilter, tag: number): boolean => filter.length === 0 || filter.includes(tag);

/** What flow control reads of a mailbox: whether it holds back credit, and how much more fits. */
export interface MailboxLevel {
  readonly overfull: boolean;
  readonly room: number;
}

/**
 * A process's bounded message queue with selective receive. Messages are kept in arrival
 * order; `take` removes the oldest that matches, so order per sender->receiver pair holds.
 * Bounded twice: by messages (`capacity`) and by the bytes of their data (`byteCapacity`).
 * An empty mailbox takes any one message, so a message up to MAX_MESSAGE_BYTES can always
 * be delivered to a receiver that drains. All of a node's mailboxes share one byte budget
 * too: past it, every mailbox refuses (and holds back remote credit) until some drain.
 */
export class Mailbox implements MailboxLevel {
  private readonly queue: Message[] = [];
  private head = 0;
  readonly capacity: number;
  readonly byteCapacity: number;
  /** Bytes of data queued now. */
  private queuedBytes = 0;
  private waiter: { filter: TagFilter; wake: () => void } | undefined;
  private readonly budget: MailboxBudget;

  constructor(capacity: number, byteCapacity: number, budget: MailboxBudget) {
    this.capacity = capacity;
    this.byteCapacity = byteCapacity;
    this.budget = budget;
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** Whether a message of `size` bytes fits under both limits and the node's budget. */
  hasRoomFor(size: number): boolean {
    return this.length < this.capacity && (this.length === 0 || this.queuedBytes + size <= this.byteCapacity) && this.budget.used + size <= this.budget.limit;
  }

  /** Whether the node's mailboxes together hold their budget of bytes, or more. */
  get budgetSpent(): boolean {
    return this.budget.used >= this.budget.limit;
  }

  /** Why a message of `size` bytes finds no room, for the sender's error. */
  fullness(size: number): string {
    const own = `${this.length} messages of ${this.capacity}, ${this.queuedBytes} bytes of ${this.byteCapacity}`;
    const node = this.budget.used + size > this.budget.limit ? `; the node's mailboxes hold ${this.budget.used} bytes of their budget of ${this.budget.limit}` : "";
    return own + node;
  }

  /**
   * Whether the mailbox holds more than `put` would have let in: what a remote node's
   * messages, delivered regardless, push it to when it is full.
   */
  get overfull(): boolean {
    return this.length > this.capacity || (this.length > 1 && this.queuedBytes > this.byteCapacity) || this.budget.used > this.budget.limit;
  }

  /** How many more messages `put` would take now, by count; none while over the byte limit. */
  get room(): number {
    return this.queuedBytes >= this.byteCapacity || this.budgetSpent ? 0 : Math.max(0, this.capacity - this.length);
  }

  /** False when full: the sender gets EAGAIN and the message is not taken. */
  put(message: Message): boolean {
    if (!this.hasRoomFor(message.data.byteLength)) return false;
    this.putSystem(message);
    return true;
  }

  /** Delivered even when full: the system's own messages (down notices) are never dropped. */
  putSystem(message: Message): void {
    this.queue.push(message);
    this.queuedBytes += message.data.byteLength;
    this.budget.add(message.data.byteLength);
    const waiter = this.waiter;
    if (waiter && matches(waiter.filter, message.tag)) {
      this.waiter = undefined;
      waiter.wake();
    }
  }

  /** Index of the oldest matching message, or -1. */
  find(filter: TagFilter): number {
    for (let i = this.head; i < this.queue.length; i++) {
      if (matches(filter, this.queue[i]!.tag)) return i;
    }
    return -1;
  }

  peek(index: number): Message {
    return this.queue[index]!;
  }

  remove(index: number): Message {
    const message = this.queue[index]!;
    this.queuedBytes -= message.data.byteLength;
    this.budget.add(-message.data.byteLength);
    if (this.queuedBytes < 0 || (this.queuedBytes > 0 && this.length === 1)) {
      throw new Error(`mailbox: ${this.queuedBytes} bytes counted with ${this.length - 1} messages left`);
    }
    if (index === this.head) {
      this.queue[this.head++] = undefined as unknown as Message;
      // Compact once the dead prefix dominates, so a long-lived mailbox stays small.
      if (this.head > 64 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
    } else {
      this.queue.splice(index, 1);
    }
    return message;
  }

  /** Its process ended: what it never received leaves the node's budget. */
  clear(): void {
    this.budget.add(-this.queuedBytes);
    this.queue.length = 0;
    this.head = 0;
    this.queuedBytes = 0;
    this.waiter = undefined;
  }

  /** Wake `wake` once a matching message arrives. One waiter: only its owner receives. */
  wait(filter: TagFilter, wake: () => void): void {
    this.waiter = { filter, wake };
  }

  cancelWait(): void {
    this.waiter = undefined;
  }
}
