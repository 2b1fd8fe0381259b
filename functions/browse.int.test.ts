import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { noFaults, withFaults, type Faults } from '../shared/testing/fault-layer.ts';
import { startBrowseTestSite, type BrowseTestSite } from '../shared/testing/browse-test-site.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { startTestStack, wireServerTestEnv } from '../shared/testing/test-stack.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';

// browse on the local stack (the emulators, the real Gemini client against a wire server, the
// stack's own configuration: AGENTLINE_BROWSER=chromium, files in its data folder), against a site
// the test serves: a login continued by a later call of the run, and a call whose step died after
// it ran, never run again.
let stack: LocalStack;
let gemini: GeminiWireServer;
let site: BrowseTestSite;
const faults: Faults = noFaults();

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  site = await startBrowseTestSite();
  // A call starts only with 5 s of its step's lease left, and the test stack's 2 s leases are shorter.
  stack = await startTestStack('browse', { env: { ...wireServerTestEnv(gemini.url), AGENTLINE_TOOL_LEASE_SECONDS: '15', AGENTLINE_BROWSER_ALLOW_LOOPBACK: 'true' }, decorate: withFaults(faults) });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
  await site?.close();
});

const agent = { configYaml: 'name: surfer\nmodel: gemini-2.5-flash\ninstruction: Use the site.\ntools: [browse]\n', fileName: 'surfer.yaml' };
const responseOf = (request: number) => gemini.requests[request]!.body.contents.at(-1)!.parts[0]!.functionResponse!.response as { output: Record<string, unknown> };

describe('browse on the local stack', () => {
  it("signs in with one call and is still signed in at the run's next call; the screenshot reaches the model as an image", async () => {
    gemini.script([
      functionCallReply([{ name: 'browse', args: { actions: [
        { action: 'open', url: `${site.origin}/login` },
        { action: 'type', selector: '#user', text: 'alice' },
        { action: 'type', selector: '#password', text: 'wonderland', press_enter: true },
      ] } }]),
      functionCallReply([{ name: 'browse', args: { actions: [{ action: 'open', url: `${site.origin}/account` }, { action: 'read_text', selector: '#who' }, { action: 'screenshot' }] } }]),
      textReply('signed in'),
    ]);
    const runId = await submitToStack(stack, { schemaVersion: 1, agent, input: 'sign in', userId: 'ada', idempotencyKey: `browse-${Date.now()}` });
    const run = await waitForTerminalRun(stack.deps.store, runId, 90_000);
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'signed in' } });
    expect(responseOf(1).output).toMatchObject({ url: `${site.origin}/account`, session: 'kept for the next browse call of this run' });
    expect(responseOf(2).output).toMatchObject({ url: `${site.origin}/account`, results: [{ action: 'open' }, { text: 'Signed in as alice' }, { action: 'screenshot', file: 'screenshot.png' }] });
    expect(gemini.requests[2]!.body.contents.at(-1)!.parts[1]).toMatchObject({ inlineData: { mimeType: 'image/png' } });
    gemini.assertAllRepliesUsed();
  }, 120_000);

  it('answers a call whose step died after it ran that its actions may or may not have taken effect, and never runs them again', async () => {
    gemini.script([
      functionCallReply([{ name: 'browse', args: { actions: [{ action: 'open', url: `${site.origin}/form` }, { action: 'type', selector: '#q', text: 'once only', press_enter: true }] } }]),
      textReply('done'),
    ]);
    faults.crashAfterNextToolCall = true;
    const runId = await submitToStack(stack, { schemaVersion: 1, agent, input: 'search', userId: 'ada', idempotencyKey: `browse-crash-${Date.now()}` });
    const run = await waitForTerminalRun(stack.deps.store, runId, 90_000);
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'done' } });
    expect(site.requests.filter((path) => path === '/search?q=once+only')).toHaveLength(1);
    expect(responseOf(gemini.requests.length - 1).output).toEqual({ error: expect.stringContaining('may or may not have taken effect') });
    gemini.assertAllRepliesUsed();
  }, 120_000);
});
