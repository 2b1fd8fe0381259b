import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpBrowserClient } from '../../shared/adapters/cloud-run/http-browser-client.ts';
import { ChromiumBrowser } from '../../shared/browser/browse-in-chromium.ts';
import { browseActionsSchema, type BrowseOutcome, type BrowseRequest } from '../../shared/browser/browse-request.ts';
import type { BrowserService } from '../../shared/ports/browser-service.ts';
import { startBrowseTestSite, type BrowseTestSite } from '../../shared/testing/browse-test-site.ts';
import { ToolFailure } from '../../shared/tools/tool.ts';
import { createBrowseServer } from './browse-server.ts';

let site: BrowseTestSite;
const servers: Server[] = [];
beforeAll(async () => {
  site = await startBrowseTestSite();
});
afterAll(async () => {
  await site.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(browser: BrowserService): Promise<string> {
  const server = createBrowseServer(browser);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server answering every request with `status` and `text`, as Cloud Run's front end does for a request it refuses; its URL. */
async function answering(status: number, text: string): Promise<string> {
  const server = createServer((_, response) => void response.writeHead(status, { 'content-type': 'text/plain' }).end(text));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const request = (actions: unknown[]): BrowseRequest => ({ actions: browseActionsSchema.parse(actions), timeoutMs: 20_000 });
const noIdentity = async () => ({});

describe('the browser service and its client', { timeout: 60_000 }, () => {
  it('runs a call in Chromium behind the service and hands back its screenshot as the same PNG, with the ID token sent', async () => {
    const seen: string[] = [];
    const chromium = new ChromiumBrowser({ allowLoopback: true });
    const url = await serve({ browse: (each) => chromium.browse(each) });
    const recordingFetch: typeof fetch = (input, init) => {
      seen.push(new Headers(init?.headers).get('authorization') ?? '');
      return fetch(input, init);
    };
    const client = new HttpBrowserClient(url, async () => ({ authorization: 'Bearer id-token' }), recordingFetch);
    const outcome = await client.browse(request([{ action: 'open', url: `${site.origin}/` }, { action: 'screenshot' }]));
    expect(outcome).toMatchObject({ title: 'Home', results: [{ action: 'open', status: 200 }, { action: 'screenshot', width: 1280, height: 800 }] });
    expect(PNG.sync.read(outcome.screenshots[0]!.png)).toMatchObject({ width: 1280, height: 800 });
    expect(seen).toEqual(['Bearer id-token']);
  });

  it('answers a body that is not a browse request with 400 naming the problem, running nothing', async () => {
    let ran = 0;
    const url = await serve({ browse: async () => { ran++; throw new Error('not reached'); } });
    const response = await fetch(`${url}/browse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ actions: [{ action: 'fly' }], timeoutMs: 1000 }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^Not a browse request: .*actions\[0\]\.action/s);
    const tooLarge = await fetch(`${url}/browse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(3 * 1024 * 1024) });
    expect(tooLarge.status).toBe(413);
    expect(ran).toBe(0);
  });

  it('turns a busy instance into a tool error that says nothing was done, and a failure after the call was taken into one that says it may have acted', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const url = await serve({ browse: async (): Promise<BrowseOutcome> => { await held; throw new Error('Chromium crashed'); } });
    const client = new HttpBrowserClient(url, noIdentity);
    const first = client.browse(request([{ action: 'open', url: 'https://example.com/' }]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(client.browse(request([{ action: 'open', url: 'https://example.com/' }]))).rejects.toThrow(
      new ToolFailure('The browser service did not run the call (HTTP 429: This instance is running another call); nothing was done, call again'),
    );
    release();
    await expect(first).rejects.toThrow(new ToolFailure('The browser service failed (HTTP 500: Chromium crashed); its actions may or may not have taken effect'));
  });

  it("says nothing was done when Cloud Run's IAM refuses the caller (403)", async () => {
    const client = new HttpBrowserClient(await answering(403, 'Forbidden'), noIdentity);
    await expect(client.browse(request([{ action: 'open', url: 'https://example.com/' }]))).rejects.toThrow(
      new ToolFailure('The browser service did not run the call (HTTP 403: Forbidden); nothing was done, call again'),
    );
  });

  it("says a call may have acted when Cloud Run answers 503 for an instance that died mid-call, unmarked by the service", async () => {
    const client = new HttpBrowserClient(await answering(503, 'upstream connect error'), noIdentity);
    await expect(client.browse(request([{ action: 'open', url: 'https://example.com/' }]))).rejects.toThrow(
      new ToolFailure('The browser service failed (HTTP 503: upstream connect error); its actions may or may not have taken effect'),
    );
  });

  it('says nothing was done when the service cannot be reached', async () => {
    const closed = await serve({ browse: async () => { throw new Error('not reached'); } });
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const client = new HttpBrowserClient(closed, noIdentity);
    await expect(client.browse(request([{ action: 'open', url: 'https://example.com/' }]))).rejects.toThrow('The browser service could not be reached (ECONNREFUSED); nothing was done, call again');
  });
});
