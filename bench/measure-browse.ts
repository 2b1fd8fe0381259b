import { ChromiumBrowser } from '../shared/browser/browse-in-chromium.ts';
import { browseActionsSchema, browseLimits } from '../shared/browser/browse-request.ts';
import { startGuardedProxy } from '../shared/browser/guarded-proxy.ts';
import { launchChromium } from '../shared/browser/launch-chromium.ts';
import { startBrowseTestSite } from '../shared/testing/browse-test-site.ts';
import { median } from './stats.ts';

export interface BrowseFigures {
  /** A `browse` call opening a local page and reading its text: fresh Chromium, proxy, actions, close; ms. */
  readCallMs: number;
  /** The same with a viewport screenshot. */
  screenshotCallMs: number;
  /** Starting and closing Chromium alone: what one fresh browser per call costs. */
  launchMs: number;
  /** Opening the page and reading its text in a browser kept open: what a reused browser would pay. */
  keptBrowserMs: number;
  samples: number;
}

/**
 * `browse` as the local stack runs it (Chromium in this process, behind the guarded proxy),
 * against a page served on loopback, so the figure is the browser's, not a network's.
 */
export async function measureBrowse(samples: number): Promise<BrowseFigures> {
  const site = await startBrowseTestSite();
  try {
    const browser = new ChromiumBrowser({ allowLoopback: true });
    const call = async (actions: unknown[]) => {
      const started = performance.now();
      const outcome = await browser.browse({ actions: browseActionsSchema.parse(actions), timeoutMs: browseLimits.callMs });
      if (outcome.error) throw new Error(`browse failed: ${outcome.error.message}`);
      return performance.now() - started;
    };
    const read = [{ action: 'open', url: `${site.origin}/` }, { action: 'read_text' }];
    await call(read); // the first start reads Chromium from disk
    const readCalls: number[] = [];
    const screenshotCalls: number[] = [];
    for (let sample = 0; sample < samples; sample++) {
      readCalls.push(await call(read));
      screenshotCalls.push(await call([...read, { action: 'screenshot' }]));
    }
    const proxy = await startGuardedProxy({ allowLoopback: true, maxBytes: browseLimits.transferBytes });
    const launches: number[] = [];
    for (let sample = 0; sample < samples; sample++) {
      const started = performance.now();
      await (await launchChromium({ proxyUrl: proxy.url, viewport: browseLimits.viewport })).close();
      launches.push(performance.now() - started);
    }
    const kept = await launchChromium({ proxyUrl: proxy.url, viewport: browseLimits.viewport });
    const page = (await kept.browser.pages())[0]!;
    const keptLoads: number[] = [];
    for (let sample = 0; sample < samples; sample++) {
      const started = performance.now();
      await page.goto(`${site.origin}/?sample=${sample}`, { waitUntil: 'load' });
      await page.evaluate('document.body.innerText');
      keptLoads.push(performance.now() - started);
    }
    await kept.close();
    await proxy.close();
    return { readCallMs: median(readCalls), screenshotCallMs: median(screenshotCalls), launchMs: median(launches), keptBrowserMs: median(keptLoads), samples };
  } finally {
    await site.close();
  }
}
