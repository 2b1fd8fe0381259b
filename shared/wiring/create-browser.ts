import { GoogleAuth } from 'google-auth-library';
import { HttpBrowserClient } from '../adapters/cloud-run/http-browser-client.ts';
import type { BrowserService } from '../ports/browser-service.ts';
import type { Config } from './load-config.ts';

/**
 * Where `browse` runs, from AGENTLINE_BROWSER (docs/architecture.md, "Browser"): nowhere, a
 * Chromium this process starts (the local stack), or the browser service, whose Cloud Run IAM
 * wants an ID token for its URL. Chromium's driver is imported at the first call, so functions
 * that never browse do not load it.
 */
export function createBrowser(config: Config): BrowserService | undefined {
  const where = config.AGENTLINE_BROWSER;
  if (where === 'off') return undefined;
  if (where === 'chromium') {
    const allowLoopback = config.AGENTLINE_BROWSER_ALLOW_LOOPBACK;
    return {
      async browse(request) {
        const { ChromiumBrowser } = await import('../browser/browse-in-chromium.ts');
        return new ChromiumBrowser({ allowLoopback }).browse(request);
      },
    };
  }
  let idTokens: ReturnType<GoogleAuth['getIdTokenClient']> | undefined;
  return new HttpBrowserClient(where, async () => {
    idTokens ??= new GoogleAuth().getIdTokenClient(where).catch((error: unknown) => {
      idTokens = undefined; // asked again at the next call
      throw error;
    });
    const headers = await (await idTokens).getRequestHeaders(where);
    return Object.fromEntries(headers instanceof Headers ? headers.entries() : Object.entries(headers as Record<string, string>));
  });
}
