// How late the node's event loop runs: the figure that says whether anything (a guest,
// a load) held it. Reported per heartbeat window with the node's load (onebox nodes).
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface LoopDelayFigures {
  /** 99th percentile and maximum delay in the window, in microseconds. */
  readonly loopP99Us: number;
  readonly loopMaxUs: number;
}

/** Samples the loop's delay at a 10 ms resolution; each take() covers the time since the last. */
export class LoopDelay {
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.histogram.enable();
  }

  take(): LoopDelayFigures {
    const h = this.histogram;
    // An empty window (no tick yet) reads as NaN / huge: report 0, not nonsense.
    const figures = h.count === 0 ? { loopP99Us: 0, loopMaxUs: 0 } : { loopP99Us: Math.round(h.percentile(99) / 1000), loopMaxUs: Math.round(h.max / 1000) };
    if (figures.loopP99Us > figures.loopMaxUs) throw new Error(`loop delay p99 ${figures.loopP99Us} us over its max ${figures.loopMaxUs} us`);
    h.reset();
    return figures;
  }

  stop(): void {
    this.histogram.disable();
  }
}
