import { Worker } from 'node:worker_threads';
import { ToolFailure } from '../tool.ts';
import type { RenderedChart } from './render-vega-lite.ts';

/** What one drawing may take: its time, and the memory of the thread it runs in. */
export const chartThreadLimits = { ms: 10_000, heapMb: 512 };

/** The worker's file beside this one: `.ts` where sources run directly, `.js` once compiled. */
const workerUrl = new URL(import.meta.url.endsWith('.ts') ? './render-chart-worker.ts' : './render-chart-worker.js', import.meta.url);

type Answer = { id: number; chart: RenderedChart } | { id: number; failure: string; toolFailure: boolean };

/**
 * Draws charts in a worker thread (docs/architecture.md, "Charts"), so a specification that makes
 * vega compute without end, or grow without end, is stopped — the thread ended after
 * `chartThreadLimits.ms`, or by its heap limit — without stopping the step. One thread is kept
 * for the next chart (vega loaded once); a stopped one is replaced at the next.
 */
export class ChartThread {
  readonly #limits: typeof chartThreadLimits;
  #worker: Worker | undefined;
  #next = 0;
  readonly #pending = new Map<number, { resolve: (chart: RenderedChart) => void; reject: (error: Error) => void }>();

  constructor(limits: typeof chartThreadLimits = chartThreadLimits) {
    this.#limits = limits;
  }

  async draw(spec: Record<string, unknown>, scale: number): Promise<RenderedChart> {
    const worker = this.#started();
    const id = this.#next++;
    return new Promise<RenderedChart>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#stop(new ToolFailure(`The chart took longer than ${this.#limits.ms / 1000} s to draw and was stopped`));
      }, this.#limits.ms);
      const settle = <T>(then: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        then(value);
      };
      this.#pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      worker.postMessage({ id, spec, scale });
    });
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerUrl, { resourceLimits: { maxOldGenerationSizeMb: this.#limits.heapMb } });
    worker.on('message', (answer: Answer) => {
      const pending = this.#pending.get(answer.id);
      if (!pending) return;
      if ('chart' in answer) pending.resolve({ ...answer.chart, png: Buffer.from(answer.chart.png) });
      else pending.reject(answer.toolFailure ? new ToolFailure(answer.failure) : new Error(answer.failure));
    });
    // Only this thread's own end fails its drawings: a thread already replaced is not the current one.
    worker.on('error', (error) => {
      if (this.#worker !== worker) return;
      const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.#stop(outOfMemory ? new ToolFailure(`The chart needed more than ${this.#limits.heapMb} MB to draw and was stopped`) : error);
    });
    worker.on('exit', () => {
      if (this.#worker === worker) this.#stop(new Error('The chart thread ended'));
    });
    // An idle thread never keeps the process alive (unref after the listeners, which would ref it again).
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  /** Ends the thread, failing every drawing it had with `error`. */
  #stop(error: Error): void {
    const worker = this.#worker;
    this.#worker = undefined;
    for (const pending of [...this.#pending.values()]) pending.reject(error);
    void worker?.terminate();
  }
}
