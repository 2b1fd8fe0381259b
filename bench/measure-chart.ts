import { InMemoryArtifactStore } from '../shared/adapters/in-memory/in-memory-artifact-store.ts';
import { executeToolCall } from '../shared/tools/execute-tool-call.ts';
import { createRenderChartTool } from '../shared/tools/render-chart/render-chart-tool.ts';
import { median } from './stats.ts';

export interface ChartFigures {
  /** The first chart of the process (vega imported then): call to saved files, ms. */
  coldMs: number;
  /** Median of the later ones, ms. */
  warmMs: number;
  samples: number;
}

/**
 * `render_chart` as the tool step runs it: a 12-bar chart with axes and a title, drawn to SVG and
 * PNG and both saved (in memory, so the figure is the drawing, not a store's latency).
 */
export async function measureChart(samples: number): Promise<ChartFigures> {
  const tool = createRenderChartTool(new InMemoryArtifactStore());
  const values = Array.from({ length: 12 }, (_, month) => ({ month: `M${month + 1}`, sales: 100 + ((month * 37) % 80) }));
  const spec = { title: 'Sales by month', width: 480, height: 300, data: { values }, mark: 'bar', encoding: { x: { field: 'month', type: 'ordinal' }, y: { field: 'sales', type: 'quantitative' } } };
  let call = 0;
  const once = async () => {
    const context = { runId: 'rbench', stepId: `${call++}-tool-0`, attempt: 1, idempotencyKey: `rbench/${call}`, deadline: Number.MAX_SAFE_INTEGER, now: Date.now, userId: 'bench' };
    const started = performance.now();
    const result = await executeToolCall(tool, { spec }, context);
    if ('error' in result) throw new Error(`render_chart failed: ${result.error}`);
    return performance.now() - started;
  };
  const coldMs = await once();
  const warm: number[] = [];
  for (let sample = 0; sample < samples; sample++) warm.push(await once());
  return { coldMs, warmMs: median(warm), samples };
}
