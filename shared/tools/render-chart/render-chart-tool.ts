import { z } from 'zod';
import type { ArtifactStore, SaveArtifact } from '../../ports/artifact-store.ts';
import { savedOnce } from '../saved-once.ts';
import { OutputWithFiles, ToolFailure, type RepeatableTool } from '../tool.ts';
import { ChartProcess, type chartDrawLimits } from './chart-process.ts';

export const renderChartToolName = 'render_chart';

export const renderChartInputSchema = z.object({
  spec: z
    .record(z.string(), z.unknown())
    .describe('A Vega-Lite specification (https://vega.github.io/schema/vega-lite/v6.json) with its data inline in "values"; data "url"s are refused'),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1 to 64 letters, digits, _ or -, starting with a letter or digit')
    .default('chart')
    .describe('The file name without extension: the chart is saved as <name>.png and <name>.svg'),
  scale: z.number().min(0.5).max(4).default(1).describe('Pixels per unit of the specification: 2 draws a sharper, larger PNG'),
});
export type RenderChartInput = z.infer<typeof renderChartInputSchema>;

/**
 * `render_chart` (docs/architecture.md, "Charts"): draws a Vega-Lite specification on the server,
 * keeps it as the run's files `<name>.svg` and `<name>.png`, and shows the PNG to the model.
 * Repeatable: a retried call finds the files this call saved (by their provenance) instead of
 * saving them again, and drawing has no other effect.
 */
export function createRenderChartTool(artifacts: ArtifactStore | undefined, options: { drawLimits?: typeof chartDrawLimits } = {}): RepeatableTool<RenderChartInput> {
  // Started at the first chart (vega loads there), not at every cold start of the functions that hold the tools.
  const drawer = new ChartProcess(options.drawLimits);
  return {
    name: renderChartToolName,
    description:
      'Draws a chart from a Vega-Lite specification with inline data and returns it as an image you can see; it is also saved ' +
      'as files of this run (<name>.png and <name>.svg). Use it for bar, line, area, point and other charts of data you already have.',
    inputSchema: renderChartInputSchema,
    repeatable: true,
    async execute(input, context) {
      if (!artifacts) throw new ToolFailure('Charts are not set up on this deployment (it keeps no files)');
      const chart = await drawer.draw(input.spec, input.scale);
      const provenance = { runId: context.runId, stepId: context.stepId, tool: renderChartToolName };
      const save = (file: Omit<SaveArtifact, 'provenance'>) => savedOnce(artifacts, context, { ...file, provenance });
      const png = await save({ name: `${input.name}.png`, data: chart.png, contentType: 'image/png' });
      const svg = await save({ name: `${input.name}.svg`, data: Buffer.from(chart.svg), contentType: 'image/svg+xml' });
      const files = [png, svg].map((file) => ({ name: file.name, version: file.version, content_type: file.contentType, bytes: file.bytes }));
      return new OutputWithFiles({ width: chart.width, height: chart.height, files }, [{ name: png.name, version: png.version, contentType: png.contentType }]);
    },
  };
}
