import type { Page } from 'puppeteer-core';
import { browseLimits, type BrowseAction, type BrowseScreenshot } from './browse-request.ts';
import type { RefusedRequest } from './guarded-proxy.ts';
import { documentHeight, documentLoaded, linksIn, visibleText } from './page-scripts.ts';

/** What an action needs besides the page: its time, the text left to return, and the proxy's refusals. */
export interface ActionContext {
  timeoutMs: number;
  /** Characters of text still allowed in this call's results. */
  textLeft: number;
  screenshotsTaken: number;
  /** Bytes of PNG this call's screenshots so far. */
  screenshotBytes: number;
  refusedSoFar(): readonly RefusedRequest[];
  /** Every URL the tab has asked to load as its document so far (navigations, redirects), oldest first. */
  documentsSoFar(): readonly string[];
}

export type ActionResult = { result: Record<string, unknown>; screenshot?: Omit<BrowseScreenshot, 'action'>; textUsed?: number };

/** Thrown for an action the page did not allow: the call stops there and says why. */
export class ActionFailed extends Error {}

/** Performs one action on the page (docs/architecture.md, "Browser"). */
export async function performAction(page: Page, action: BrowseAction, context: ActionContext): Promise<ActionResult> {
  switch (action.action) {
    case 'open':
      return open(page, action.url!, context);
    case 'wait_for':
      await page.waitForSelector(action.selector!, { timeout: context.timeoutMs });
      return { result: { action: 'wait_for', selector: action.selector, found: true } };
    case 'click':
      return afterInteraction(page, context, 'click', () => page.locator(action.selector!).setTimeout(context.timeoutMs).click());
    case 'type':
      return afterInteraction(page, context, 'type', async () => {
        await page.locator(action.selector!).setTimeout(context.timeoutMs).fill(action.text!);
        if (action.press_enter) await page.keyboard.press('Enter');
      });
    case 'read_text':
      return readText(page, action.selector, context);
    case 'extract_links':
      return extractLinks(page, action.selector);
    case 'screenshot':
      return screenshot(page, action, context);
  }
}

async function open(page: Page, url: string, context: ActionContext): Promise<ActionResult> {
  const before = context.refusedSoFar().length;
  const documentsBefore = context.documentsSoFar().length;
  // Only a refusal of the page itself or of a redirect it took fails the open: a refused image or
  // script is reported in `refused`, and a page slow for another reason fails for that reason.
  const refusedNow = () => {
    const documents = context.documentsSoFar().slice(documentsBefore);
    return context.refusedSoFar().slice(before).filter((refusal) => documents.some((document) => isRefusalOf(refusal, document)));
  };
  let response;
  try {
    response = await page.goto(url, { waitUntil: 'load', timeout: context.timeoutMs });
  } catch (error) {
    const [refusal] = refusedNow();
    if (refusal) throw new ActionFailed(`Refused to load ${refusal.url}: ${refusal.reason}`);
    throw error;
  }
  // A plain-http page (or a redirect to one) the proxy refused arrives as its 403 answer.
  const refusal = refusedNow().find((each) => each.url === response?.url());
  if (refusal) throw new ActionFailed(`Refused to load ${refusal.url}: ${refusal.reason}`);
  return { result: { action: 'open', url: page.url(), status: response?.status() ?? null, title: await page.title() } };
}

/** Whether `refusal` stopped `document`: the same URL (plain http), or its tunnel (https is refused as `https://host:port`). */
function isRefusalOf(refusal: RefusedRequest, document: string): boolean {
  if (refusal.url === document) return true;
  const target = URL.parse(document);
  return target !== null && target.protocol === 'https:' && refusal.url === `https://${target.hostname}:${target.port || 443}`;
}

/** Runs a click or typing, then lets what it started (a navigation, a request) finish. */
async function afterInteraction(page: Page, context: ActionContext, name: string, interact: () => Promise<void>): Promise<ActionResult> {
  const before = context.refusedSoFar().length;
  await interact();
  await settle(page, context.timeoutMs);
  const refused = context.refusedSoFar().slice(before);
  return { result: { action: name, url: page.url(), title: await page.title().catch(() => ''), ...(refused.length > 0 ? { refused } : {}) } };
}

/** Waits until the network has been quiet a moment and the document has loaded, or the time is up. */
async function settle(page: Page, timeoutMs: number): Promise<void> {
  const timeout = Math.min(timeoutMs, 10_000);
  await page.waitForNetworkIdle({ idleTime: 300, timeout }).catch(() => undefined);
  await page.waitForFunction(documentLoaded, { timeout }).catch(() => undefined);
}

async function readText(page: Page, selector: string | undefined, context: ActionContext): Promise<ActionResult> {
  const text = await page.evaluate(visibleText, selector);
  const allowed = Math.max(0, Math.min(browseLimits.textPerAction, context.textLeft));
  const kept = text.slice(0, allowed);
  const truncated = kept.length < text.length;
  const result = { action: 'read_text', ...(selector !== undefined ? { selector } : {}), text: kept, ...(truncated ? { truncated: true, total_characters: text.length } : {}) };
  return { result, textUsed: kept.length };
}

async function extractLinks(page: Page, selector: string | undefined): Promise<ActionResult> {
  const found = await page.evaluate(linksIn, selector, browseLimits.links);
  return { result: { action: 'extract_links', ...(selector !== undefined ? { selector } : {}), links: found.links, ...(found.total > found.links.length ? { truncated: true, total_links: found.total } : {}) } };
}

async function screenshot(page: Page, action: BrowseAction, context: ActionContext): Promise<ActionResult> {
  if (context.screenshotsTaken >= browseLimits.screenshots) throw new ActionFailed(`A call takes at most ${browseLimits.screenshots} screenshots`);
  let png: Uint8Array;
  if (action.selector !== undefined) {
    const element = await page.waitForSelector(action.selector, { timeout: context.timeoutMs });
    const box = await element!.boundingBox();
    if (!box || box.width < 1 || box.height < 1) throw new ActionFailed(`${action.selector} is not visible`);
    if (box.height > browseLimits.screenshotHeight) throw new ActionFailed(`${action.selector} is taller than ${browseLimits.screenshotHeight} px: take a smaller part, or the page`);
    png = await element!.screenshot({ type: 'png' });
  } else if (action.full_page) {
    const height = await page.evaluate(documentHeight);
    const width = page.viewport()?.width ?? browseLimits.viewport.width;
    png = await page.screenshot({ type: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width, height: Math.max(1, Math.min(height, browseLimits.screenshotHeight)) } });
  } else {
    png = await page.screenshot({ type: 'png' });
  }
  const image = Buffer.from(png);
  if (context.screenshotBytes + image.length > browseLimits.screenshotBytes) {
    throw new ActionFailed(`This screenshot (${image.length} bytes) would take the call's screenshots past ${browseLimits.screenshotBytes} bytes: take a smaller part, or the viewport`);
  }
  const size = pngSize(image);
  return { result: { action: 'screenshot', width: size.width, height: size.height }, screenshot: { png: image, ...size } };
}

/** A PNG's dimensions, from its header (IHDR is always the first chunk). */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
