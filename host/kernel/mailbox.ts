export interface Message {
  readonly sender: number;
  readonly tag: number;
  readonly data: Uint8Array;
  /** The sender's Lamport time at the send (with `sender`, the message's id); none for the system's. */
  readonly lamport?: number;
}

/** Tags a receiver accepts; empty accepts any. */
export type TagFilter = readonly number[];

const matches = (filter: TagFilter, tag: number): boolean => filter.length === 0 || filter.includes(tag);

/**
 * A process's bounded message queue with selective receive. Messages are kept in arrival
 * order; `take` removes the oldest that matches, so order per sender->receiver pair holds.
 * Bounded twice: by messages (`capacity`) and by the bytes of their data (`byteCapacity`).
 * An empty mailbox takes any one message, so a message up to MAX_MESSAGE_BYTES can always
 * be delivered to a receiver that drains.
 */
export class Mailbox {
  private readonly queue: Message[] = [];
  private head = 0;
  readonly capacity: number;
  readonly byteCapacity: number;
  /** Bytes of data queued now. */
  private queuedBytes = 0;
  private waiter: { filter: TagFilter; wake: () => void } | undefined;

  constructor(capacity: number, byteCapacity: number) {
    this.capacity = capacity;
    this.byteCapacity = byteCapacity;
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** Whether a message of `size` bytes fits under both limits. */
  hasRoomFor(size: number): boolean {
    return this.length < this.capacity && (this.length === 0 || this.queuedBytes + size <= this.byteCapacity);
  }

  /**
   * Whether the mailbox holds more than `put` would have let in: what a remote node's
   * messages, delivered regardless, push it to when it is full.
   */
  get overfull(): boolean {
    return this.length > this.capacity || (this.length > 1 && this.queuedBytes > this.byteCapacity);
  }

  /** How many more messages `put` would take now, by count; none while over the byte limit. */
  get room(): number {
    return this.queuedBytes >= this.byteCapacity ? 0 : Math.max(0, this.capacity - this.length);
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

  /** Wake `wake` once a matching message arrives. One waiter: only its owner receives. */
  wait(filter: TagFilter, wake: () => void): void {
    this.waiter = { filter, wake };
  }

  cancelWait(): void {
    this.waiter = undefined;
  }
}
