import { ToolFailure } from '../tool.ts';
import { renderVegaLite } from './render-vega-lite.ts';

/**
 * The process charts are drawn in (docs/architecture.md, "Charts"): it answers each
 * `{id, spec, scale}` with the chart or the ToolFailure's message; anything else that goes
 * wrong is an error the caller reports. Its owner kills it when a drawing takes too long, and it
 * ends itself when its owner goes (the IPC channel closes), so none is left behind.
 */
process.on('disconnect', () => process.exit(0));
process.on('message', async ({ id, spec, scale }: { id: number; spec: Record<string, unknown>; scale: number }) => {
  try {
    const chart = await renderVegaLite(spec, scale);
    process.send!({ id, chart: { ...chart, png: new Uint8Array(chart.png) } });
  } catch (error) {
    process.send!({ id, failure: (error as Error).message, toolFailure: error instanceof ToolFailure });
  }
});
