import { parentPort } from 'node:worker_threads';
import { ToolFailure } from '../tool.ts';
import { renderVegaLite } from './render-vega-lite.ts';

/**
 * The thread charts are drawn in (docs/architecture.md, "Charts"): it answers each
 * `{id, spec, scale}` with the chart or the ToolFailure's message; anything else that goes
 * wrong is an error the caller reports. Its owner ends it when a drawing takes too long.
 */
parentPort!.on('message', async ({ id, spec, scale }: { id: number; spec: Record<string, unknown>; scale: number }) => {
  try {
    const chart = await renderVegaLite(spec, scale);
    // resvg's buffer lives outside the heap and cannot be transferred: a copy of it can.
    const png = new Uint8Array(chart.png);
    parentPort!.postMessage({ id, chart: { ...chart, png } }, [png.buffer]);
  } catch (error) {
    parentPort!.postMessage({ id, failure: (error as Error).message, toolFailure: error instanceof ToolFailure });
  }
});
