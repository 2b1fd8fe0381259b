import { spawnSync } from 'node:child_process';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { startRecordingServer } from '../../testing/recording-server.ts';
import { InMemoryArtifactStore } from '../../adapters/in-memory/in-memory-artifact-store.ts';
import { executeToolCall } from '../execute-tool-call.ts';
import type { ToolContext } from '../tool.ts';
import { createRenderChartTool } from './render-chart-tool.ts';

const context: ToolContext = { runId: 'r1', stepId: '0-tool-0', attempt: 1, idempotencyKey: 'r1/0-tool-0', deadline: Number.MAX_SAFE_INTEGER, now: Date.now, userId: 'ada' };
const scope = { userId: 'ada', runId: 'r1' };
const sales = [
  { quarter: 'Q1', revenue: 120 },
  { quarter: 'Q2', revenue: 150 },
  { quarter: 'Q3', revenue: 90 },
];
// Nothing but the marks: no axes, no padding, a white background, so pixels can be predicted.
const bare = { background: 'white', padding: 0, autosize: { type: 'none' }, config: { view: { stroke: null }, axis: { disable: true } } };

async function draw(spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const artifacts = new InMemoryArtifactStore();
  const result = await executeToolCall(createRenderChartTool(artifacts), { spec, ...extra }, context);
  return { result, artifacts };
}

async function pngOf(artifacts: InMemoryArtifactStore, name: string) {
  const stored = await artifacts.load(scope, name);
  return PNG.sync.read(stored!.data);
}

function pixel(png: PNG, x: number, y: number): [number, number, number] {
  const at = (png.width * y + x) * 4;
  return [png.data[at]!, png.data[at + 1]!, png.data[at + 2]!];
}

describe('render_chart', () => {
  it('draws a bar chart as a PNG of the size asked, its bars in their colour, saved with its SVG and shown to the model', async () => {
    const spec = { ...bare, width: 300, height: 200, data: { values: sales }, mark: { type: 'bar', color: '#ff0000' }, encoding: { x: { field: 'quarter', type: 'nominal' }, y: { field: 'revenue', type: 'quantitative', scale: { domain: [0, 150] } } } };
    const { result, artifacts } = await draw(spec, { name: 'revenue' });
    expect(result).toMatchObject({
      output: { width: 300, height: 200, files: [{ name: 'revenue.png', version: 0, content_type: 'image/png' }, { name: 'revenue.svg', version: 0, content_type: 'image/svg+xml' }] },
      files: [{ name: 'revenue.png', version: 0, contentType: 'image/png' }],
    });
    const png = await pngOf(artifacts, 'revenue.png');
    expect([png.width, png.height]).toEqual([300, 200]);
    // Q2's bar reaches the top (150 of 150); above Q3's (90 of 150) is background.
    expect(pixel(png, 150, 20)).toEqual([255, 0, 0]);
    expect(pixel(png, 250, 20)).toEqual([255, 255, 255]);
    expect(pixel(png, 250, 190)).toEqual([255, 0, 0]);
    expect((await artifacts.load(scope, 'revenue.svg'))?.data.toString()).toMatch(/^<svg/);
  });

  it('draws a line chart at twice the scale, its line in its colour', async () => {
    const spec = { ...bare, width: 200, height: 100, data: { values: [{ x: 0, y: 5 }, { x: 10, y: 5 }] }, mark: { type: 'line', color: '#0000ff', strokeWidth: 6 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative', scale: { domain: [0, 10] } } } };
    const { result, artifacts } = await draw(spec, { scale: 2 });
    expect(result).toMatchObject({ output: { width: 400, height: 200 } });
    const png = await pngOf(artifacts, 'chart.png');
    expect([png.width, png.height]).toEqual([400, 200]);
    // y = 5 of 10: the middle row, all the way across.
    expect(pixel(png, 200, 100)).toEqual([0, 0, 255]);
    expect(pixel(png, 200, 20)).toEqual([255, 255, 255]);
  });

  it('refuses data from a URL, naming it, before drawing anything', async () => {
    const { result, artifacts } = await draw({ data: { url: 'http://169.254.169.254/computeMetadata/v1/' }, mark: 'bar' });
    expect(result).toEqual({ error: 'Data must be inline ("values"): spec.data.url would load from elsewhere, which charts may not do' });
    expect(await artifacts.list(scope)).toEqual([]);
  });

  it('refuses a lookup whose data names a URL, and fetches nothing, not for an image mark either', async () => {
    const server = await startRecordingServer('[]');
    const base = server.url;
    try {
      const image = { data: { values: [{ u: `${base}/secret.png` }] }, mark: 'image', encoding: { url: { field: 'u', type: 'nominal' } }, width: 50, height: 50 };
      const imageResult = (await draw(image)).result;
      // Drawn without the image, or refused; either way never fetched.
      expect(JSON.stringify(imageResult)).not.toMatch(/secret/);
      const lookup = { data: { values: sales }, transform: [{ lookup: 'quarter', from: { data: { url: `${base}/more.json` }, key: 'quarter' } }], mark: 'bar' };
      expect((await draw(lookup)).result).toEqual({ error: `Data must be inline ("values"): spec.transform[0].from.data.url would load from elsewhere, which charts may not do` });
      expect(server.requested).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('answers a specification that is not Vega-Lite naming the problem: an unknown mark, or what vega-lite says', async () => {
    expect((await draw({ data: { values: sales }, layer: [{ mark: { type: 'pie-slice' } }] })).result).toEqual({
      error: 'spec.layer[0].mark: "pie-slice" is not a Vega-Lite mark; the marks are arc, area, bar, boxplot, circle, errorband, errorbar, geoshape, image, line, point, rect, rule, square, text, tick, trail',
    });
    const { result } = await draw({ data: { values: sales }, mark: 'bar', encoding: { x: { field: 'quarter', type: 'nominal' } }, transform: [{ fold: 'revenue' }] });
    expect(result).toMatchObject({ error: expect.stringMatching(/^(Not a Vega-Lite specification it can draw|The chart could not be drawn): ./) });
  });

  it('refuses too much data and too many pixels, naming each limit', async () => {
    const rows = Array.from({ length: 10_001 }, (_, index) => ({ quarter: `Q${index}`, revenue: index }));
    expect((await draw({ data: { values: rows }, mark: 'bar' })).result).toEqual({ error: 'The specification has 10001 rows of data, over the limit of 10000; aggregate first (execute_code can)' });
    const huge = { ...bare, width: 3_000, height: 100, data: { values: sales }, mark: 'bar', encoding: { x: { field: 'quarter', type: 'nominal' } } };
    expect((await draw(huge, { scale: 2 })).result).toMatchObject({ error: expect.stringMatching(/^The chart would be 6000×200 pixels, over the limit of 4096/) });
  });

  it('stops a specification that would compute without end, in its own process, and draws the next chart', async () => {
    const artifacts = new InMemoryArtifactStore();
    const tool = createRenderChartTool(artifacts, { drawLimits: { ms: 2_000, heapMb: 256 } });
    // A billion generated rows: past the time limit (or the heap's) long before it could finish.
    const endless = { data: { sequence: { start: 0, stop: 1e9 } }, mark: 'point', encoding: { x: { field: 'data', type: 'quantitative' } } };
    expect(await executeToolCall(tool, { spec: endless }, context)).toEqual({ error: expect.stringMatching(/^The chart (took longer than 2 s|needed more than 256 MB) to draw and was stopped$/) });
    const bars = { data: { values: sales }, mark: 'bar', encoding: { x: { field: 'quarter', type: 'nominal' }, y: { field: 'revenue', type: 'quantitative' } } };
    expect(await executeToolCall(tool, { spec: bars }, { ...context, stepId: '5-tool-0' })).toMatchObject({ output: { files: [{ name: 'chart.png' }, { name: 'chart.svg' }] } });
  });

  it('stops a specification that outgrows its heap in its own process, the step going on, and draws the next chart', async () => {
    const tool = createRenderChartTool(new InMemoryArtifactStore(), { drawLimits: { ms: 60_000, heapMb: 64 } });
    // Ten million rows of a few objects each: far past 64 MB, and quickly.
    const growing = { data: { sequence: { start: 0, stop: 1e7 } }, mark: 'point', encoding: { x: { field: 'data', type: 'quantitative' } } };
    expect(await executeToolCall(tool, { spec: growing }, context)).toEqual({ error: 'The chart needed more than 64 MB to draw and was stopped' });
    const bars = { data: { values: sales }, mark: 'bar', encoding: { x: { field: 'quarter', type: 'nominal' }, y: { field: 'revenue', type: 'quantitative' } } };
    expect(await executeToolCall(tool, { spec: bars }, { ...context, stepId: '5-tool-0' })).toMatchObject({ output: { files: [{ name: 'chart.png' }, { name: 'chart.svg' }] } });
  }, 30_000);

  it('lets a process that drew a chart exit by itself: the idle drawing process holds nothing open', () => {
    const chartProcess = new URL('./chart-process.ts', import.meta.url).href;
    const script = `const { ChartProcess } = await import(${JSON.stringify(chartProcess)}); const chart = await new ChartProcess().draw({ data: { values: [{ a: 'x', b: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } } }, 1); console.log(chart.width > 0);`;
    const ran = spawnSync(process.execPath, ['--input-type=module', '--eval', script], { encoding: 'utf8', timeout: 20_000 });
    expect([ran.signal, ran.status, ran.stdout.trim()]).toEqual([null, 0, 'true']);
  }, 30_000);

  it('saves its files once when its call is retried, and says so where no files are kept', async () => {
    const artifacts = new InMemoryArtifactStore();
    const tool = createRenderChartTool(artifacts);
    const spec = { data: { values: sales }, mark: 'bar', encoding: { x: { field: 'quarter', type: 'nominal' }, y: { field: 'revenue', type: 'quantitative' } } };
    await executeToolCall(tool, { spec }, context);
    await executeToolCall(tool, { spec }, { ...context, attempt: 2 });
    expect(await artifacts.versions(scope, 'chart.png')).toEqual([0]);
    await executeToolCall(tool, { spec }, { ...context, stepId: '1-tool-0' });
    expect(await artifacts.versions(scope, 'chart.png')).toEqual([0, 1]);
    expect(await executeToolCall(createRenderChartTool(undefined), { spec }, context)).toEqual({ error: 'Charts are not set up on this deployment (it keeps no files)' });
  });
});
