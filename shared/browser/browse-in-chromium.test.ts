import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { isProcessAlive } from '../local-stack/process-group.ts';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeBlock, startBrowseTestSite, type BrowseTestSite } from '../testing/browse-test-site.ts';
import { ChromiumBrowser } from './browse-in-chromium.ts';
import { browseActionsSchema, type BrowseAction, type BrowseOutcome, type BrowserState } from './browse-request.ts';

const browser = new ChromiumBrowser({ allowLoopback: true });
let site: BrowseTestSite;

beforeAll(async () => {
  site = await startBrowseTestSite();
});
afterAll(() => site.close());

const browse = (actions: BrowseAction[], state?: BrowserState, timeoutMs = 30_000): Promise<BrowseOutcome> =>
  browser.browse({ actions: browseActionsSchema.parse(actions), timeoutMs, ...(state ? { state } : {}) });

function pixel(png: Buffer, x: number, y: number): number[] {
  const image = PNG.sync.read(png);
  const offset = (image.width * y + x) * 4;
  return [...image.data.subarray(offset, offset + 3)];
}

describe('ChromiumBrowser', { timeout: 60_000 }, () => {
  it('opens a page, reads its text and its links as absolute addresses', async () => {
    const outcome = await browse([
      { action: 'open', url: `${site.origin}/` },
      { action: 'read_text', selector: '#intro' },
      { action: 'extract_links', selector: '#nav' },
    ]);
    expect(outcome.error).toBeUndefined();
    expect(outcome.results[0]).toMatchObject({ action: 'open', status: 200, title: 'Home', url: `${site.origin}/` });
    expect(outcome.results[1]).toMatchObject({ text: 'A page for tests.' });
    expect(outcome.results[2]).toMatchObject({ links: [{ text: 'The form', href: `${site.origin}/form` }, { text: 'Sign in', href: `${site.origin}/login` }] });
  });

  it('takes a screenshot of the viewport that shows the page: its size, and the coloured block where the page draws it', async () => {
    const outcome = await browse([{ action: 'open', url: `${site.origin}/` }, { action: 'screenshot' }]);
    const [shot] = outcome.screenshots;
    expect(shot).toMatchObject({ action: 1, width: 1280, height: 800 });
    expect(PNG.sync.read(shot!.png)).toMatchObject({ width: 1280, height: 800 });
    expect(pixel(shot!.png, 5, 5)).toEqual([...homeBlock.rgb]);
    expect(pixel(shot!.png, homeBlock.width - 5, homeBlock.height - 5)).toEqual([...homeBlock.rgb]);
    expect(pixel(shot!.png, homeBlock.width + 20, 5)).toEqual([255, 255, 255]);
  });

  it('cuts a full-page screenshot of a long page at 4,000 pixels, and shoots one element at its own size', async () => {
    const outcome = await browse([
      { action: 'open', url: `${site.origin}/long` },
      { action: 'screenshot', full_page: true },
      { action: 'open', url: `${site.origin}/` },
      { action: 'screenshot', selector: '#block' },
    ]);
    expect(outcome.error).toBeUndefined();
    expect(outcome.screenshots.map(({ width, height }) => ({ width, height }))).toEqual([{ width: 1280, height: 4000 }, { width: homeBlock.width, height: homeBlock.height }]);
    expect(pixel(outcome.screenshots[1]!.png, 150, 75)).toEqual([...homeBlock.rgb]);
  });

  it('fills in a form and submits it with Enter', async () => {
    const outcome = await browse([
      { action: 'open', url: `${site.origin}/form` },
      { action: 'type', selector: '#q', text: 'red pandas', press_enter: true },
      { action: 'read_text', selector: '#result' },
    ]);
    expect(outcome.error).toBeUndefined();
    expect(outcome.results[1]).toMatchObject({ action: 'type', url: `${site.origin}/search?q=red+pandas`, title: 'Results' });
    expect(outcome.results[2]).toMatchObject({ text: 'You searched for red pandas' });
  });

  it('signs in, and a later call given the state continues the login: its cookie and its local storage', async () => {
    const signIn = await browse([
      { action: 'open', url: `${site.origin}/login` },
      { action: 'type', selector: '#user', text: 'alice' },
      { action: 'type', selector: '#password', text: 'wonderland' },
      { action: 'click', selector: '#sign-in' },
      { action: 'read_text', selector: '#who' },
    ]);
    expect(signIn.error).toBeUndefined();
    expect(signIn.results[4]).toMatchObject({ text: 'Signed in as alice' });
    expect(signIn.state?.cookies).toEqual([expect.objectContaining({ name: 'session', value: 'alice-session', httpOnly: true })]);
    expect(signIn.state?.origins).toEqual([{ origin: site.origin, localStorage: [['theme', 'dark']] }]);

    const seenBefore = site.requests.length;
    const later = await browse([{ action: 'open', url: `${site.origin}/account` }, { action: 'read_text', selector: '#who' }, { action: 'open', url: `${site.origin}/preferences` }, { action: 'read_text', selector: '#theme' }], signIn.state);
    expect(later.error).toBeUndefined();
    expect(later.results[1]).toMatchObject({ text: 'Signed in as alice' });
    expect(later.results[3]).toMatchObject({ text: 'theme: dark' });
    // Local storage was put back without asking the site for a page.
    expect(site.requests.slice(seenBefore).filter((path) => path !== '/favicon.ico')).toEqual(['/account', '/preferences']);

    const without = await browse([{ action: 'open', url: `${site.origin}/account` }]);
    expect(without.results[0]).toMatchObject({ url: `${site.origin}/login` });
  });

  it('refuses a redirect to the metadata server and to a private address, saying why', async () => {
    const toMetadata = await browse([{ action: 'open', url: `${site.origin}/to-metadata` }]);
    expect(toMetadata.error).toEqual({ action: 0, message: expect.stringMatching(/^Refused to load http:\/\/169\.254\.169\.254\/computeMetadata\/v1\/: .*link-local/) });
    const toPrivate = await browse([{ action: 'open', url: `${site.origin}/to-private` }]);
    expect(toPrivate.error).toEqual({ action: 0, message: expect.stringMatching(/^Refused to load http:\/\/10\.1\.2\.3\/admin: .*private/) });
    expect(toPrivate.refused).toContainEqual({ url: 'http://10.1.2.3/admin', reason: '10.1.2.3 is a private address' });
  });

  it('refuses every part of a page that comes from a private address, and still reads the page', async () => {
    const outcome = await browse([{ action: 'open', url: `${site.origin}/private-parts` }, { action: 'read_text', selector: '#text' }]);
    expect(outcome.error).toBeUndefined();
    expect(outcome.results[1]).toMatchObject({ text: 'Parts from private addresses' });
    const refusedHosts = outcome.refused.map((each) => new URL(each.url).hostname).sort();
    expect(refusedHosts).toEqual(['169.254.169.254', '192.168.0.1', '[::ffff:a00:1]']);
  });

  it("sends no WebRTC UDP past the proxy: a page's STUN requests never reach an address", async () => {
    const stun = createSocket('udp4');
    const datagrams: string[] = [];
    stun.on('message', (_, from) => datagrams.push(`${from.address}:${from.port}`));
    await new Promise<void>((resolve) => stun.bind(0, '127.0.0.1', resolve));
    try {
      const outcome = await browse([{ action: 'open', url: `${site.origin}/webrtc?port=${stun.address().port}` }, { action: 'wait_for', selector: '#never' }], undefined, 8_000);
      expect(outcome.results[0]).toMatchObject({ title: 'WebRTC' });
      expect(datagrams).toEqual([]);
    } finally {
      stun.close();
    }
  });

  it('refuses loopback pages where loopback is not allowed (the deployed policy)', async () => {
    const deployed = new ChromiumBrowser({ allowLoopback: false });
    const outcome = await deployed.browse({ actions: browseActionsSchema.parse([{ action: 'open', url: `${site.origin}/` }]), timeoutMs: 20_000 });
    expect(outcome.error?.message).toMatch(/^Refused to load .*127\.0\.0\.1 is a loopback address/);
  });

  it('stops a browser whose page unpacks past its memory limit, and says so', async () => {
    const small = new ChromiumBrowser({ allowLoopback: true, memoryBytes: 700 * 1024 * 1024 });
    const outcome = await small.browse({ actions: browseActionsSchema.parse([{ action: 'open', url: `${site.origin}/bomb` }]), timeoutMs: 30_000 });
    expect(outcome.error).toEqual({ action: 0, message: `The pages took more than ${700 * 1024 * 1024} bytes of memory; the browser was stopped` });
  });

  it('caps the text it returns and says how long the text was', async () => {
    const outcome = await browse([{ action: 'open', url: `${site.origin}/wordy` }, { action: 'read_text' }]);
    expect(outcome.results[1]).toMatchObject({ truncated: true, total_characters: 'word '.repeat(5_000).trimEnd().length });
    expect((outcome.results[1] as { text: string }).text).toHaveLength(10_000);
  });

  it('stops at an action that cannot be done in time, keeping what the earlier actions returned', async () => {
    const outcome = await browse([{ action: 'open', url: `${site.origin}/` }, { action: 'wait_for', selector: '#never-there' }, { action: 'read_text' }], undefined, 15_000);
    expect(outcome.results).toHaveLength(1);
    expect(outcome.error).toEqual({ action: 1, message: expect.stringContaining('#never-there') });
  });

  it('dismisses dialogs a page opens instead of waiting on them', async () => {
    const outcome = await browse([{ action: 'open', url: `${site.origin}/alert` }, { action: 'read_text', selector: '#after' }]);
    expect(outcome.error).toBeUndefined();
    expect(outcome.results[1]).toMatchObject({ text: 'after the dialogs' });
  });

  it('ends a call whose page spins forever within its time, saying its cookies could not be read', async () => {
    const started = Date.now();
    const state = { cookies: [], origins: [{ origin: 'https://example.com', localStorage: [['k', 'v']] as [string, string][] }] };
    const outcome = await browse([{ action: 'open', url: `${site.origin}/spin` }, { action: 'wait_for', selector: '#never-there' }], state, 10_000);
    // Its time, and the close of a browser that does not answer (killed after 2 s), with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(10_000 + 4_000);
    expect(outcome.error).toBeDefined();
    // Its cookies could not be read from a wedged browser: none are given, and the note says why (the kept ones stay).
    expect([outcome.state, outcome.stateNote]).toEqual([undefined, 'reading them took too long']);
  });

  it('leaves no Chromium running and no profile after its calls', async () => {
    const launched: { pid: number; profile: string }[] = [];
    const watched = new ChromiumBrowser({ allowLoopback: true, onLaunch: (chromium) => launched.push(chromium) });
    await watched.browse({ actions: browseActionsSchema.parse([{ action: 'open', url: `${site.origin}/` }]), timeoutMs: 20_000 });
    await watched.browse({ actions: browseActionsSchema.parse([{ action: 'open', url: `${site.origin}/spin` }, { action: 'wait_for', selector: '#never' }]), timeoutMs: 8_000 });
    expect(launched).toHaveLength(2);
    for (const { pid, profile } of launched) {
      // Every process of that browser had the profile in its command line.
      const running = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(profile));
      expect([running, isProcessAlive(pid), existsSync(profile)]).toEqual([[], false, false]);
    }
  });
});
