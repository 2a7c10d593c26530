/**
 * Whether `pid` starting to wait for `next` closes a cycle in a wait-for graph where each
 * process waits for at most one other (`waitsFor`: the holder of the lock it waits on, or
 * the child it waits for; undefined or 0 for none): the chain from `next` comes back to
 * `pid`. `edges` bounds the walk, so a cycle already in the graph (a bug) cannot loop it.
 */
export function closesCycle(pid: number, next: number | undefined, waitsFor: (p: number) => number | undefined, edges: number): boolean {
  let current = next;
  for (let hops = 0; hops <= edges && current !== undefined && current !== 0; hops++) {
    if (current === pid) return true;
    current = waitsFor(current);
  }
  return false;
}
