import type { OutputSink } from "../kernel/process.ts";

/**
 * Output sinks of this node's processes that children on other nodes write to, by id.
 * Children share their parent's sink object, so there is one id per process tree that
 * reached out, and ids are kept for the node's life: a child may outlive its parent.
 */
export class OutputSinks {
  private readonly ids = new WeakMap<OutputSink, number>();
  private readonly sinks = new Map<number, OutputSink>();
  private nextId = 1;

  idFor(sink: OutputSink): number {
    let id = this.ids.get(sink);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(sink, id);
      this.sinks.set(id, sink);
    }
    return id;
  }

  get(id: number): OutputSink | undefined {
    return this.sinks.get(id);
  }
}
