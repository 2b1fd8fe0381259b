import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { createAgentsApiClient, type AgentsApiClient } from '../shared/testing/agents-api-client.ts';
import { textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';

// The runs API over HTTP against the real pipeline: runs start through the trusted submissions
// topic as the verified caller, and are read, listed, waited for and cancelled through the API.
let stack: LocalStack;
let gemini: GeminiWireServer;
let api: AgentsApiClient;
const tokens: Record<string, string> = {};
const missingAgent = 'projects/p/locations/global/collections/default_collection/engines/e/agents/missing';
const agentYaml = 'name: echo_agent\ninstruction: Answer briefly.\n';

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('runs-api', { env: { ...geminiWireTestEnv(gemini.url), AGENTLINE_ADMINS: 'root', AGENTLINE_LOG_LEVEL: 'silent' } });
  for (const user of ['ada', 'bob', 'root']) tokens[user] = await mintLocalToken(stack.localAuthSecret, { userId: user });
  api = createAgentsApiClient(stack.functionsUrl, tokens);
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

const requestId = (label: string) => `${label}-${process.pid}-${Date.now()}`;
/** A run that fails at submission (its agent does not exist): it ends at once, with no model. */
const failingRun = (sessionId?: string) => ({ agent: { name: missingAgent }, input: 'hi', ...(sessionId ? { sessionId } : {}) });

/** Waits through `:wait` until the run ended; its creator may wait on it from the moment it is created. */
async function waitEnded(user: string, name: string) {
  for (;;) {
    const answer = await api.call(user, 'GET', `${name}:wait?timeout=10s`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(answer.body['state'])) return answer.body;
  }
}

describe('runs API', () => {
  it('creates a run once per requestId: a repeat answers the same run and starts no second one', async () => {
    const id = requestId('idem');
    const first = await api.call('ada', 'POST', `runs?requestId=${id}`, failingRun());
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ name: expect.stringMatching(/^runs\/r[0-9a-f]{24}$/), userId: 'ada' });
    const ended = await waitEnded('ada', first.body['name']);
    expect(ended).toMatchObject({ state: 'FAILED', error: { code: 'PERMISSION_DENIED' } });
    const again = await api.call('ada', 'POST', `runs?requestId=${id}`, failingRun());
    expect(again.body).toMatchObject({ name: first.body['name'], state: 'FAILED', createTime: ended['createTime'] });
    // The same requestId from another user is another run.
    expect((await api.call('bob', 'POST', `runs?requestId=${id}`, failingRun())).body['name']).not.toBe(first.body['name']);
  });

  it("answers another user's run and a missing run alike (403), and admins 404 for a missing one", async () => {
    const created = await api.call('ada', 'POST', `runs?requestId=${requestId('mine')}`, failingRun());
    // From the moment it is created, whether or not the submission step has written it yet.
    expect((await api.call('ada', 'GET', created.body['name'])).body).toMatchObject({ name: created.body['name'], userId: 'ada' });
    expect((await api.call('bob', 'GET', created.body['name'])).status).toBe(403);
    await waitEnded('ada', created.body['name']);
    const denied = await api.call('bob', 'GET', created.body['name']);
    const missing = await api.call('bob', 'GET', 'runs/r000000000000000000000000');
    expect(denied.body.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    expect(missing.body.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    expect((await api.call('bob', 'POST', `${created.body['name']}:cancel`, {})).status).toBe(403);
    expect((await api.call('root', 'GET', created.body['name'])).body).toMatchObject({ userId: 'ada' });
    expect((await api.call('root', 'GET', 'runs/r000000000000000000000000')).body.error).toMatchObject({ code: 404, details: [{ reason: 'RUN_NOT_FOUND' }] });
  });

  it('lists the caller’s runs newest first, filtered and paged with opaque tokens', async () => {
    const session = `s${process.pid}${Date.now()}`;
    const names: string[] = [];
    for (let index = 0; index < 3; index++) {
      const created = await api.call('ada', 'POST', `runs?requestId=${requestId(`list${index}`)}`, failingRun(session));
      names.push(created.body['name']);
      await waitEnded('ada', created.body['name']);
    }
    const filter = encodeURIComponent(`session_id = "${session}" AND state = "FAILED"`);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await api.call('ada', 'GET', `runs?pageSize=2&filter=${filter}${token ? `&pageToken=${token}` : ''}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...page.body['runs'].map((run: { name: string }) => run.name));
      token = page.body['nextPageToken'];
    } while (token);
    expect(seen).toEqual([...names].reverse());
    expect((await api.call('bob', 'GET', `runs?filter=${filter}`)).body['runs']).toEqual([]);
    const firstPage = await api.call('ada', 'GET', `runs?pageSize=1&filter=${filter}`);
    const otherFilter = encodeURIComponent(`session_id = "${session}"`);
    expect((await api.call('ada', 'GET', `runs?pageSize=1&filter=${otherFilter}&pageToken=${firstPage.body['nextPageToken']}`)).body.error).toMatchObject({ code: 400, details: [{ reason: 'INVALID_PAGE_TOKEN' }] });
    expect((await api.call('ada', 'GET', `runs?filter=${encodeURIComponent('state = "FAILED" OR state = "RUNNING"')}`)).body.error).toMatchObject({ code: 400, details: [{ reason: 'INVALID_FILTER' }] });
  });

  it('cancels a running run through the engine’s cancellation; wait answers it ended', async () => {
    let release = () => {};
    gemini.script([{ ...textReply('too late'), until: new Promise<void>((resolve) => (release = resolve)) }]);
    try {
      const created = await api.call('ada', 'POST', `runs?requestId=${requestId('cancel')}`, { agent: { configYaml: agentYaml, fileName: 'echo.yaml' }, input: 'wait' });
      expect(created.body).toMatchObject({ state: 'QUEUED' });
      let running: Record<string, any>;
      do running = (await api.call('ada', 'GET', created.body['name'])).body;
      while (running['state'] !== 'RUNNING');
      expect((await api.call('ada', 'POST', `${created.body['name']}:cancel`, { reason: 'changed my mind' })).status).toBe(200);
      expect(await waitEnded('ada', created.body['name'])).toMatchObject({ state: 'CANCELLED', error: { code: 'CANCELLED', message: expect.stringContaining('changed my mind') } });
    } finally {
      release();
    }
  });
});
