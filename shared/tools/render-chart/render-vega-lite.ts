import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ToolFailure } from '../tool.ts';

/** The limits of one chart, each named in the error that refuses it. */
export const chartLimits = {
  /** The specification as JSON, data included. */
  specBytes: 1_000_000,
  /** Rows of inline data, over all datasets. */
  rows: 10_000,
  /** Either side of the PNG, in pixels, after scaling. */
  pixels: 4_096,
};

/**
 * DejaVu, the fonts the machine and the image both have: text is drawn the same everywhere, and
 * no other font folder of the host is read.
 */
const fontFolder = '/usr/share/fonts/truetype/dejavu';

export interface RenderedChart {
  svg: string;
  png: Buffer;
  width: number;
  height: number;
}

/**
 * Renders a Vega-Lite specification (docs/architecture.md, "Charts"): compiled by vega-lite,
 * laid out and drawn to SVG by a headless vega View, rasterised to PNG by resvg. Data must be
 * inline: the View's loader refuses every load, so a specification can reach neither the network
 * nor the machine's files (data URLs, image marks). A specification that is not one is a
 * ToolFailure naming what vega-lite or vega said.
 */
export async function renderVegaLite(spec: Record<string, unknown>, scale: number): Promise<RenderedChart> {
  checkInlineData(spec);
  let runtime: vega.Runtime;
  try {
    runtime = vega.parse(compile(spec as unknown as TopLevelSpec).spec);
  } catch (error) {
    throw new ToolFailure(`Not a Vega-Lite specification it can draw: ${(error as Error).message}`);
  }
  const view = new vega.View(runtime, { renderer: 'none', loader: refusingLoader() });
  let svg: string;
  try {
    svg = await view.toSVG();
  } catch (error) {
    if (error instanceof ToolFailure) throw error;
    throw new ToolFailure(`The chart could not be drawn: ${(error as Error).message}`);
  } finally {
    view.finalize();
  }
  const pixels = pixelSize(svg, scale);
  if (pixels.width > chartLimits.pixels || pixels.height > chartLimits.pixels) {
    throw new ToolFailure(`The chart would be ${pixels.width}×${pixels.height} pixels, over the limit of ${chartLimits.pixels} on either side (make it smaller, or lower scale)`);
  }
  const image = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: false, fontDirs: [fontFolder], defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', serifFamily: 'DejaVu Serif', monospaceFamily: 'DejaVu Sans Mono' },
  }).render();
  return { svg, png: image.asPng(), width: image.width, height: image.height };
}

/** Inline data only, and not too much of it; said before any work is done. */
function checkInlineData(spec: Record<string, unknown>): void {
  const json = JSON.stringify(spec);
  if (Buffer.byteLength(json) > chartLimits.specBytes) throw new ToolFailure(`The specification is ${Buffer.byteLength(json)} bytes of JSON, over the limit of ${chartLimits.specBytes}`);
  let rows = 0;
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) return value.forEach((item, index) => visit(item, `${path}[${index}]`));
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'url' && path.endsWith('data')) throw new ToolFailure(`Data must be inline ("values"): ${path}.url would load from elsewhere, which charts may not do`);
      if (key === 'values' && Array.isArray(child)) rows += child.length;
      if (key === 'mark') checkMark(child, `${path}.mark`);
      visit(child, `${path}.${key}`);
    }
  };
  visit(spec, 'spec');
  if (rows > chartLimits.rows) throw new ToolFailure(`The specification has ${rows} rows of data, over the limit of ${chartLimits.rows}; aggregate first (execute_code can)`);
}

/** Vega-Lite's marks (its documentation's list); vega-lite itself fails obscurely on another. */
const marks = ['arc', 'area', 'bar', 'boxplot', 'circle', 'errorband', 'errorbar', 'geoshape', 'image', 'line', 'point', 'rect', 'rule', 'square', 'text', 'tick', 'trail'];

function checkMark(mark: unknown, path: string): void {
  const type = typeof mark === 'object' && mark !== null ? (mark as { type?: unknown }).type : mark;
  if (typeof type !== 'string' || !marks.includes(type)) throw new ToolFailure(`${path}: ${JSON.stringify(type)?.slice(0, 100)} is not a Vega-Lite mark; the marks are ${marks.join(', ')}`);
}

/** A loader that loads nothing: what the check above missed (an image mark's URL) still goes nowhere. */
function refusingLoader(): vega.Loader {
  const loader = vega.loader();
  const refuse = async (uri: string) => {
    throw new Error(`charts load nothing from elsewhere (asked for ${String(uri).slice(0, 200)})`);
  };
  loader.load = refuse;
  loader.sanitize = refuse;
  return loader;
}

function pixelSize(svg: string, scale: number): { width: number; height: number } {
  const match = /<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
  return { width: Math.ceil(Number(match?.[1] ?? 0) * scale), height: Math.ceil(Number(match?.[2] ?? 0) * scale) };
}
