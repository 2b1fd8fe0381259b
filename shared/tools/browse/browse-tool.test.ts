import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryArtifactStore } from '../../adapters/in-memory/in-memory-artifact-store.ts';
import { ChromiumBrowser } from '../../browser/browse-in-chromium.ts';
import { startBrowseTestSite, type BrowseTestSite } from '../../testing/browse-test-site.ts';
import { TransientError } from '../../domain/errors.ts';
import { OutputWithFiles, ToolFailure, type ToolContext } from '../tool.ts';
import { browseInputSchema, browserStateArtifactName, createBrowseTool, type BrowseInput } from './browse-tool.ts';

let site: BrowseTestSite;
beforeAll(async () => {
  site = await startBrowseTestSite();
});
afterAll(() => site.close());

const browser = new ChromiumBrowser({ allowLoopback: true });

function contextOf(runId: string, stepId: string, leaseLeftMs = 60_000): ToolContext {
  const now = Date.now();
  return { runId, stepId, attempt: 1, idempotencyKey: `${runId}/${stepId}`, deadline: now + leaseLeftMs, now: () => Date.now(), userId: 'ada' };
}
const input = (raw: unknown): BrowseInput => browseInputSchema.parse(raw);

describe('browse', { timeout: 60_000 }, () => {
  it("keeps each screenshot as a file of the run and shows it to the model; the output names the file at the action that took it", async () => {
    const artifacts = new InMemoryArtifactStore();
    const tool = createBrowseTool(browser, artifacts);
    const output = await tool.execute(input({ actions: [{ action: 'open', url: `${site.origin}/` }, { action: 'screenshot' }, { action: 'screenshot', selector: '#block' }], name: 'home' }), contextOf('r1', '0-tool-0'));
    expect(output).toBeInstanceOf(OutputWithFiles);
    const { output: answer, files } = output as OutputWithFiles;
    expect(files).toEqual([
      { name: 'home-1.png', version: 0, contentType: 'image/png' },
      { name: 'home-2.png', version: 0, contentType: 'image/png' },
    ]);
    expect(answer).toMatchObject({ title: 'Home', results: [{ action: 'open' }, { action: 'screenshot', file: 'home-1.png', width: 1280 }, { action: 'screenshot', file: 'home-2.png', width: 300 }] });
    const stored = await artifacts.load({ userId: 'ada', runId: 'r1' }, 'home-2.png');
    expect(PNG.sync.read(stored!.data)).toMatchObject({ width: 300, height: 150 });
    expect(stored!.metadata.provenance).toEqual({ runId: 'r1', stepId: '0-tool-0', tool: 'browse' });
  });

  it("continues a login in the run's next call from the cookies it kept, and only in that run", async () => {
    const artifacts = new InMemoryArtifactStore();
    const tool = createBrowseTool(browser, artifacts);
    const signIn = input({ actions: [
      { action: 'open', url: `${site.origin}/login` },
      { action: 'type', selector: '#user', text: 'alice' },
      { action: 'type', selector: '#password', text: 'wonderland', press_enter: true },
    ] });
    const first = (await tool.execute(signIn, contextOf('r2', '0-tool-0'))) as OutputWithFiles;
    expect(first.output).toMatchObject({ url: `${site.origin}/account`, session: 'kept for the next browse call of this run' });
    const kept = await artifacts.load({ userId: 'ada', runId: 'r2' }, browserStateArtifactName('r2'));
    expect(JSON.parse(kept!.data.toString()).cookies).toEqual([expect.objectContaining({ name: 'session', value: 'alice-session' })]);

    const account = input({ actions: [{ action: 'open', url: `${site.origin}/account` }] });
    expect(((await tool.execute(account, contextOf('r2', '2-tool-0'))) as OutputWithFiles).output).toMatchObject({ url: `${site.origin}/account` });
    expect(((await tool.execute(account, contextOf('r3', '0-tool-0'))) as OutputWithFiles).output).toMatchObject({ url: `${site.origin}/login` });
    const fresh = input({ ...account, keep_session: false });
    expect(((await tool.execute(fresh, contextOf('r2', '4-tool-0'))) as OutputWithFiles).output).toMatchObject({ url: `${site.origin}/login`, session: 'not kept (keep_session was false)' });
  });

  it('reports a refused redirect as the failed action, with what came before it', async () => {
    const tool = createBrowseTool(browser, new InMemoryArtifactStore());
    const output = (await tool.execute(input({ actions: [{ action: 'open', url: `${site.origin}/` }, { action: 'open', url: `${site.origin}/to-metadata` }] }), contextOf('r4', '0-tool-0'))) as OutputWithFiles;
    expect(output.output).toMatchObject({
      results: [{ action: 'open', title: 'Home' }],
      error: { action: 1, message: expect.stringMatching(/^Action 1 failed: Refused to load http:\/\/169\.254\.169\.254\//) },
      refused: expect.arrayContaining([expect.objectContaining({ url: 'http://169.254.169.254/computeMetadata/v1/' })]),
    });
  });

  it("is not started with too little of its step's lease left, and says so", async () => {
    const tool = createBrowseTool(browser, new InMemoryArtifactStore());
    const call = tool.execute(input({ actions: [{ action: 'open', url: `${site.origin}/` }] }), contextOf('r5', '0-tool-0', 12_000));
    await expect(call).rejects.toThrow(new ToolFailure("browse was not started: its step's time was nearly over; call it again"));
  });

  it('after a crash mid-call, tells the model the actions may or may not have taken effect, never runs them again', async () => {
    const tool = createBrowseTool(browser, new InMemoryArtifactStore());
    const before = site.requests.length;
    await expect(tool.reconcile('r6/0-tool-0', contextOf('r6', '0-tool-0'))).resolves.toEqual({ happened: true, output: { error: expect.stringContaining('may or may not have taken effect') } });
    expect(site.requests.length).toBe(before);
  });

  it('is a tool error saying nothing was done when the kept cookies cannot be read, and reports files it could not save after the browser ran', async () => {
    const unreadable = Object.assign(new InMemoryArtifactStore(), { load: async () => Promise.reject(new TransientError('store down')) });
    const before = site.requests.length;
    await expect(createBrowseTool(browser, unreadable).execute(input({ actions: [{ action: 'open', url: `${site.origin}/` }] }), contextOf('r8', '0-tool-0'))).rejects.toThrow(
      new ToolFailure("browse was not started: this run's kept cookies could not be read (store down); nothing was done, call again"),
    );
    expect(site.requests.length).toBe(before);

    const unwritable = Object.assign(new InMemoryArtifactStore(), { save: async () => Promise.reject(new TransientError('bucket down')) });
    const output = (await createBrowseTool(browser, unwritable).execute(input({ actions: [{ action: 'open', url: `${site.origin}/` }, { action: 'screenshot' }] }), contextOf('r9', '0-tool-0'))) as OutputWithFiles;
    expect(output.files).toEqual([]);
    expect(output.output).toMatchObject({
      title: 'Home',
      results: [{ action: 'open' }, { action: 'screenshot', file_error: 'not saved: bucket down' }],
      session: 'not updated: it could not be saved (bucket down)',
    });
  });

  it('answers that it is not set up where no browser is configured', async () => {
    const tool = createBrowseTool(undefined, new InMemoryArtifactStore());
    await expect(tool.execute(input({ actions: [{ action: 'open', url: 'https://example.com/' }] }), contextOf('r7', '0-tool-0'))).rejects.toThrow('The browser is not set up on this deployment');
  });

  it('refuses arguments naming an action without what it needs, or a URL that is not http', () => {
    const problems = (raw: unknown) => browseInputSchema.safeParse(raw).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems({ actions: [{ action: 'click' }] })).toEqual(['actions.0.selector: click needs a selector']);
    expect(problems({ actions: [{ action: 'open', url: 'file:///etc/passwd' }] })).toEqual(['actions.0.url: only http and https URLs can be opened, not file:']);
    expect(problems({ actions: [{ action: 'type', selector: '#q' }] })).toEqual(['actions.0.text: type needs text']);
    expect(problems({ actions: [] })?.[0]).toMatch(/^actions: /);
  });
});
