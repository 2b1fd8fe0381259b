import type { Browser, Page } from 'puppeteer-core';
import { readLocalStorage, writeLocalStorage } from './page-scripts.ts';
import { browseLimits, browserStateSchema, type BrowserState } from './browse-request.ts';

/**
 * Puts a previous call's cookies and local storage back into a fresh browser. Local storage can
 * only be written from a document of its origin, so the tab loads each origin once with its
 * navigation answered by `answerLocally` (an empty page made here: no request reaches the site).
 */
export async function restoreBrowserState(browser: Browser, page: Page, state: BrowserState, answerLocally: (origin: string | undefined) => void): Promise<void> {
  if (state.cookies.length > 0) await browser.setCookie(...state.cookies);
  for (const { origin, localStorage: items } of state.origins) {
    if (items.length === 0) continue;
    answerLocally(origin);
    try {
      await page.goto(`${origin}/`, { waitUntil: 'domcontentloaded', timeout: 5_000 });
      await page.evaluate(writeLocalStorage, items);
    } finally {
      answerLocally(undefined);
    }
  }
  if (state.origins.length > 0) await page.goto('about:blank');
}

/** The most cookies and origins a kept state holds (the schema's limits); past them the oldest go. */
const maxCookies = 1_000;
const maxOrigins = 50;

/** What a call keeps for the next: its state, or why it could not keep one. */
export type CapturedState = { state: BrowserState; note?: undefined } | { state?: undefined; note: string };

/**
 * The browser's cookies and the local storage of the tab's origin, merged over what `previous`
 * kept for other origins: the tab's origin becomes the most recent, an origin whose storage is now
 * empty is forgotten, and past the limits (50 origins, 1,000 cookies, `browseLimits.stateBytes`)
 * the oldest origins go first. Partitioned cookies (CHIPS) are not kept: restored without their
 * partition they would be sent first-party. Only cookies alone past the size give no state, with
 * a note saying so.
 */
export async function captureBrowserState(browser: Browser, page: Page, previous: BrowserState): Promise<CapturedState> {
  const cookies = (await browser.cookies())
    .filter((cookie) => cookie.partitionKey === undefined)
    .slice(-maxCookies)
    .map((cookie) => ({
      name: cookie.name,
      value: cookie.value,
      domain: cookie.domain,
      path: cookie.path,
      expires: cookie.expires,
      httpOnly: cookie.httpOnly,
      secure: cookie.secure,
      ...(cookie.sameSite ? { sameSite: cookie.sameSite } : {}),
    }));
  const origins = new Map(previous.origins.map((entry) => [entry.origin, entry.localStorage]));
  const origin = originOf(page.url());
  if (origin) {
    const items = await page.evaluate(readLocalStorage).catch(() => undefined);
    if (items) {
      origins.delete(origin); // re-added last: the most recent
      if (items.length > 0) origins.set(origin, items);
    }
  }
  let kept = [...origins].map(([origin, localStorage]) => ({ origin, localStorage })).slice(-maxOrigins);
  for (;;) {
    const state = browserStateSchema.safeParse({ cookies, origins: kept });
    if (!state.success) return { note: `its cookies or storage could not be kept (${state.error.issues[0]?.message ?? 'invalid'})` };
    if (Buffer.byteLength(JSON.stringify(state.data)) <= browseLimits.stateBytes) return { state: state.data };
    if (kept.length === 0) return { note: `its cookies alone are larger than ${browseLimits.stateBytes} bytes` };
    kept = kept.slice(1);
  }
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
