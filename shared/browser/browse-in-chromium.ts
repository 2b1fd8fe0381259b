import { existsSync } from 'node:fs';
import type { HTTPRequest, Page } from 'puppeteer-core';
import type { BrowserService } from '../ports/browser-service.ts';
import { ToolFailure } from '../tools/tool.ts';
import { ActionFailed, performAction, type ActionContext } from './browse-actions.ts';
import { browseLimits, emptyBrowserState, type BrowseOutcome, type BrowseRequest, type BrowseScreenshot } from './browse-request.ts';
import { captureBrowserState, restoreBrowserState, type CapturedState } from './browser-state.ts';
import { startGuardedProxy, type GuardedProxy } from './guarded-proxy.ts';
import { defaultChromiumPath } from './chromium-path.ts';
import { launchChromium } from './launch-chromium.ts';
import { watchMemory, type MemoryWatch } from './memory-watchdog.ts';

export interface ChromiumBrowserOptions {
  /** Loopback pages may be opened: only for the local stack and tests, like the guarded fetch's. */
  allowLoopback: boolean;
  executablePath?: string;
  /** The browser's memory limit (default `browseLimits.memoryBytes`; tests lower it). */
  memoryBytes?: number;
  /** Told each browser started, its process and profile folder (tests check both are gone after). */
  onLaunch?: (chromium: { pid: number; profile: string }) => void;
}

/** Schemes a page may load besides http and https (which go through the proxy): its own inline content. */
const localSchemes = new Set(['data:', 'blob:', 'about:']);

/**
 * Runs `browse` calls in a fresh headless Chromium each (docs/architecture.md, "Browser"), behind
 * the guarded proxy: the browser the local stack uses in the tool step's process, and the browser
 * service runs in its container.
 */
export class ChromiumBrowser implements BrowserService {
  readonly #options: ChromiumBrowserOptions;
  constructor(options: ChromiumBrowserOptions) {
    this.#options = options;
  }

  async browse(request: BrowseRequest): Promise<BrowseOutcome> {
    const executablePath = this.#options.executablePath ?? defaultChromiumPath;
    if (!existsSync(executablePath)) {
      throw new ToolFailure(`The browser is not installed on this deployment (no Chromium at ${executablePath}; README "Requirements"); nothing was done`);
    }
    // The whole call, start-up and wrap-up included, ends within its time.
    const deadline = Date.now() + request.timeoutMs;
    const proxy = await startGuardedProxy({ allowLoopback: this.#options.allowLoopback, maxBytes: browseLimits.transferBytes });
    try {
      const launchTimeoutMs = Math.max(1_000, request.timeoutMs - wrapUpMs);
      const chromium = await launchChromium({ proxyUrl: proxy.url, executablePath, viewport: browseLimits.viewport, timeoutMs: launchTimeoutMs }).catch((error: unknown) => {
        throw new ToolFailure(`The browser could not be started (${(error as Error).message.split('\n')[0]}); nothing was done, call again`);
      });
      const pid = chromium.browser.process()?.pid;
      this.#options.onLaunch?.({ pid: pid ?? -1, profile: chromium.profile });
      // The proxy counts bytes on the wire, but a small compressed answer can unpack to gigabytes in
      // the renderer: past its memory limit the browser is stopped, and the call ends with what it had.
      const memory = watchMemory(pid, this.#options.memoryBytes ?? browseLimits.memoryBytes, () => chromium.browser.process()?.kill('SIGKILL'));
      try {
        // What escapes runActions failed in setting the tab up, before any action: nothing ran.
        return await runActions(chromium.browser, request, proxy, deadline - wrapUpMs, memory).catch((error: unknown) => {
          throw new ToolFailure(`The browser failed before its first action (${(error as Error).message.split('\n')[0]}); nothing was done, call again`);
        });
      } finally {
        memory.stop();
        await chromium.close();
      }
    } finally {
      await proxy.close();
    }
  }
}

/** Kept at the end of a call's time for reading its cookies and closing the browser. */
const wrapUpMs = 3_000;

async function runActions(browser: Awaited<ReturnType<typeof launchChromium>>['browser'], request: BrowseRequest, proxy: GuardedProxy, deadline: number, memory: MemoryWatch): Promise<BrowseOutcome> {
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  const extraRefusals: { url: string; reason: string }[] = [];
  const refused = () => [...proxy.refused(), ...extraRefusals];
  let answeredLocally: string | undefined;
  let documents = 0;
  const documentUrls: string[] = [];
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'deny' });

  // Windows a page opens are closed: the call drives one tab.
  browser.on('targetcreated', (target) => {
    if (target.type() === 'page' && target.opener()) void target.page().then((opened) => opened?.close()).catch(() => undefined);
  });
  // A dialog would hold the page until answered: alert, confirm and prompt are dismissed; a
  // beforeunload is accepted, since dismissing it would cancel the navigation the call asked for.
  page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()).catch(() => undefined));
  await page.setRequestInterception(true);
  // A request the page dropped meanwhile (a navigation away) cannot be answered: nothing to do then.
  page.on('request', (pageRequest) => void interceptRequest(page, pageRequest).catch(() => undefined));

  async function interceptRequest(page: Page, pageRequest: HTTPRequest): Promise<void> {
    const url = URL.parse(pageRequest.url());
    if (!url) return pageRequest.abort('accessdenied');
    const isDocument = pageRequest.isNavigationRequest() && pageRequest.frame() === page.mainFrame();
    if (isDocument && answeredLocally !== undefined && url.origin === answeredLocally) {
      return pageRequest.respond({ status: 200, contentType: 'text/html', body: '<!doctype html><title></title><link rel="icon" href="data:,">' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:' && !localSchemes.has(url.protocol)) {
      extraRefusals.push({ url: url.href.slice(0, 200), reason: `only http and https URLs are loaded, not ${url.protocol}` });
      return pageRequest.abort('accessdenied');
    }
    if (isDocument && answeredLocally === undefined) documentUrls.push(url.href);
    if (isDocument && url.protocol !== 'about:' && ++documents > browseLimits.pages) {
      extraRefusals.push({ url: url.href, reason: `a call loads at most ${browseLimits.pages} pages` });
      return pageRequest.abort('blockedbyclient');
    }
    return pageRequest.continue();
  }

  const previous = request.state ?? emptyBrowserState;
  // A kept session Chromium will not take back (a cookie it now refuses) must not fail every later
  // call of the run: the call goes on without it, and the page shows whether the login held.
  await restoreBrowserState(browser, page, previous, (origin) => (answeredLocally = origin)).catch(() => undefined);
  documents = 0;

  const results: Record<string, unknown>[] = [];
  const screenshots: BrowseScreenshot[] = [];
  let error: BrowseOutcome['error'];
  let textLeft = browseLimits.text;
  for (const [index, action] of request.actions.entries()) {
    const left = deadline - Date.now();
    if (left <= 0) {
      error = { action: index, message: `The call's time (${request.timeoutMs} ms) ran out before this action` };
      break;
    }
    const context: ActionContext = { timeoutMs: Math.min(left, browseLimits.actionMs), textLeft, screenshotsTaken: screenshots.length, screenshotBytes: screenshots.reduce((sum, shot) => sum + shot.png.length, 0), refusedSoFar: refused, documentsSoFar: () => documentUrls };
    try {
      const done = await withTimeout(performAction(page, action, context), context.timeoutMs + 1_000, `${action.action} took longer than ${context.timeoutMs} ms`);
      results.push(done.result);
      textLeft -= done.textUsed ?? 0;
      if (done.screenshot) screenshots.push({ action: index, ...done.screenshot });
    } catch (caught) {
      const message = memory.exceeded() ? `The pages took more than ${memory.limitBytes} bytes of memory; the browser was stopped` : actionErrorMessage(caught);
      error = { action: index, message };
      break;
    }
  }
  memory.stop();
  const captured: CapturedState = await withTimeout(captureBrowserState(browser, page, previous), 2_000, 'reading them took too long').catch((error: unknown) => ({
    note: memory.exceeded() ? 'the browser was stopped' : (error as Error).message,
  }));
  return {
    results,
    ...(error ? { error } : {}),
    screenshots,
    url: page.url(),
    title: await withTimeout(page.title(), 500, '').catch(() => ''),
    refused: refused().slice(0, 20),
    state: captured.state,
    ...(captured.note ? { stateNote: captured.note } : {}),
  };
}

function actionErrorMessage(error: unknown): string {
  if (error instanceof ActionFailed) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  // Puppeteer's messages are clear enough, but the first line is all a model needs.
  return message.split('\n')[0]!.slice(0, 500);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ActionFailed(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
