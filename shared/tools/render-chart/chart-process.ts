import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ToolFailure } from '../tool.ts';
import type { RenderedChart } from './render-vega-lite.ts';

/** What one drawing may take: its time, and the heap of the process it runs in. */
// Well under the tool step's 512 MB container, which also holds the step's own process and resvg's buffers.
export const chartDrawLimits = { ms: 10_000, heapMb: 192 };

/** The drawing process's file beside this one: `.ts` where sources run directly, `.js` once compiled. */
const processFile = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './render-chart-process.ts' : './render-chart-process.js', import.meta.url));

/** The end of the process's standard error kept to say why it ended. */
const stderrTailBytes = 4096;

type Answer = { id: number; chart: RenderedChart } | { id: number; failure: string; toolFailure: boolean };

/**
 * Draws charts in a child process (docs/architecture.md, "Charts"), so a specification that makes
 * vega compute without end, or grow without end, is stopped — the process killed after
 * `chartDrawLimits.ms`, or ended by its heap limit — without stopping the step. A process, not a
 * worker thread: V8 ends the whole process on some allocation failures (an array past its
 * maximum size aborts), which a thread would take the step's process down with. One process is
 * kept for the next chart (vega loaded once); an ended one is replaced at the next.
 */
export class ChartProcess {
  readonly #limits: typeof chartDrawLimits;
  #child: ChildProcess | undefined;
  #stderr = '';
  #next = 0;
  readonly #pending = new Map<number, { resolve: (chart: RenderedChart) => void; reject: (error: Error) => void }>();

  constructor(limits: typeof chartDrawLimits = chartDrawLimits) {
    this.#limits = limits;
  }

  async draw(spec: Record<string, unknown>, scale: number): Promise<RenderedChart> {
    const child = this.#started();
    const id = this.#next++;
    return new Promise<RenderedChart>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#stop(new ToolFailure(`The chart took longer than ${this.#limits.ms / 1000} s to draw and was stopped`));
      }, this.#limits.ms);
      const settle = <T>(then: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        if (this.#pending.size === 0) this.#idle(child);
        then(value);
      };
      this.#pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      child.ref();
      child.channel?.ref();
      (child.stderr as (NodeJS.ReadableStream & { ref?: () => void }) | null)?.ref?.();
      child.send({ id, spec, scale });
    });
  }

  /** Stops the process (a test's or a shutdown's end); drawings it had fail. */
  close(): void {
    this.#stop(new Error('The chart process was closed'));
  }

  #started(): ChildProcess {
    if (this.#child) return this.#child;
    // Only the heap limit: none of the parent's flags (an inspector's port, a test runner's loader).
    const child = fork(processFile, [], {
      execArgv: [`--max-old-space-size=${this.#limits.heapMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.#stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      if (this.#child === child) this.#stderr = (this.#stderr + text).slice(-stderrTailBytes);
    });
    child.on('message', (answer: Answer) => {
      const pending = this.#pending.get(answer.id);
      if (!pending) return;
      if ('chart' in answer) pending.resolve({ ...answer.chart, png: Buffer.from(answer.chart.png) });
      else pending.reject(answer.toolFailure ? new ToolFailure(answer.failure) : new Error(answer.failure));
    });
    // A process that cannot start fails what it had; its 'exit' may never come.
    child.on('error', (error) => {
      if (this.#child === child) this.#stop(error);
    });
    // Only this process's own end fails its drawings: one already replaced is not the current one.
    child.on('exit', (code, signal) => {
      if (this.#child === child) this.#stop(this.#endedError(code, signal));
    });
    this.#child = child;
    this.#idle(child);
    return child;
  }

  /** Why the process ended by itself: its heap limit (V8 says so on its standard error), or a crash. */
  #endedError(code: number | null, signal: NodeJS.Signals | null): Error {
    if (/out of memory|invalid (array|table|string) (length|size)|allocation failed/i.test(this.#stderr)) {
      return new ToolFailure(`The chart needed more than ${this.#limits.heapMb} MB to draw and was stopped`);
    }
    return new ToolFailure(`The chart's drawing process ended unexpectedly (${signal ?? `exit code ${code}`}) and the chart was not drawn`);
  }

  /** An idle process never keeps the step's process alive. */
  #idle(child: ChildProcess): void {
    child.unref();
    child.channel?.unref();
    // Its standard error is a pipe of its own, which would hold the process open too.
    (child.stderr as (NodeJS.ReadableStream & { unref?: () => void }) | null)?.unref?.();
  }

  /** Ends the process, failing every drawing it had with `error`. */
  #stop(error: Error): void {
    const child = this.#child;
    this.#child = undefined;
    for (const pending of [...this.#pending.values()]) pending.reject(error);
    child?.kill('SIGKILL');
  }
}
