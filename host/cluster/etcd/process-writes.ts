/**
 * One process's writes to etcd (its lock claims, their deletes, its wait-for edge) in
 * the order it made them: each starts once the one before has settled. Two calls in
 * flight at once may reach etcd in either order, and these must not: the claim of a lock
 * call that failed (timed out, refused) is deleted in the background, and must be gone
 * before the same process's next claim on that lock is made (the late delete would
 * remove it), and before its next wait-for edge is written (a cycle check that reads the
 * new edge must not also find the old claim). unlock needs no place here: the process
 * waits for its delete. Holds one promise per process with a write in flight.
 */
export class ProcessWrites {
  private readonly tails = new Map<number, Promise<void>>();

  /** Run `write` after every earlier write of `pid` has settled; its result. */
  run<T>(pid: number, write: () => Promise<T>): Promise<T> {
    const next = (this.tails.get(pid) ?? Promise.resolve()).then(write, write);
    const settled = next.then(
      () => {},
      () => {},
    );
    this.tails.set(pid, settled);
    void settled.then(() => {
      if (this.tails.get(pid) === settled) this.tails.delete(pid);
    });
    return next;
  }
}
