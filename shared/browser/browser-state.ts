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

/**
 * The browser's cookies and the local storage of the tab's origin, merged over what `previous`
 * kept for other origins; undefined when it grew past `browseLimits.stateBytes` (then it is not
 * kept, and the call says so).
 */
export async function captureBrowserState(browser: Browser, page: Page, previous: BrowserState): Promise<BrowserState | undefined> {
  const cookies = (await browser.cookies()).map((cookie) => ({
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
    if (items) origins.set(origin, items);
  }
  const state = browserStateSchema.safeParse({ cookies, origins: [...origins].map(([origin, localStorage]) => ({ origin, localStorage })) });
  if (!state.success) return undefined;
  return Buffer.byteLength(JSON.stringify(state.data)) <= browseLimits.stateBytes ? state.data : undefined;
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
