import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryAgentRegistry } from '../adapters/in-memory/in-memory-agent-registry.ts';
import { InMemoryWebhookSecrets } from '../adapters/in-memory/in-memory-webhook-secrets.ts';
import { SecretManagerWebhookSecrets } from '../adapters/secret-manager/secret-manager-webhook-secrets.ts';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { sampleAgentRecord, sampleParent } from '../testing/agent-fixtures.ts';
import { githubDelivery, issuePayload } from '../testing/github-delivery.ts';
import { modelText, ScriptedModel } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';
import { createApiHandlersOverWorld, tokenOverWorld } from '../testing/agents-api-over-world.ts';
import { callApi } from '../testing/call-api.ts';

const oldSecret = 'github-secret-old';
const newSecret = 'github-secret-new';
const versions = { old: 'projects/p1/secrets/gh/versions/1', new: 'projects/p1/secrets/gh/versions/2' };
const agent = `${sampleParent}/agents/triager`;
const triggerBody = {
  scheme: 'GITHUB',
  secretVersions: [versions.old],
  filter: { eventTypes: ['issues'], actions: ['opened'] },
  inputTemplate: 'Triage issue #{{ issue.number }}: {{ issue.title }}',
  session: { sessionIdTemplate: 'gh-{{ repository.id }}-{{ issue.number }}' },
};

/** The agents API over an in-memory world whose pipeline runs what triggers start. */
function start(replies: number) {
  const model = new ScriptedModel(Array.from({ length: replies }, () => modelText('triaged')));
  const world = createInMemoryWorld({ model });
  const secrets = new InMemoryWebhookSecrets();
  secrets.put(versions.old, oldSecret);
  secrets.put(versions.new, newSecret);
  const registry = new InMemoryAgentRegistry(world.documents);
  const api = createApiHandlersOverWorld(world, { webhookSecrets: secrets });
  const call = async (user: string | undefined, method: string, path: string, body?: unknown, query: Record<string, string> = {}) =>
    callApi(api.api, { method, path: `/v1/${path}`, query, authorization: user ? `Bearer ${await tokenOverWorld(user)}` : undefined, body });
  const deliver = (trigger: string, delivery: { body: Buffer; headers: Record<string, string> }) =>
    callApi(api.api, { method: 'POST', path: `/v1/${trigger}:deliver`, rawBody: delivery.body, headers: delivery.headers });
  const runSubmissions = () => world.queue.published.filter((message) => message.topic === 'trusted-submissions');
  return { world, model, registry, call, deliver, runSubmissions };
}

type World = ReturnType<typeof start>;
let w: World;
let trigger: string;

async function setUp(replies = 1): Promise<void> {
  w = start(replies);
  await w.registry.transact(async (tx) => tx.createAgent(sampleAgentRecord('triager', { state: 'ENABLED', creator: 'ada' })));
  const created = await w.call('ada', 'POST', `${agent}/triggers`, triggerBody, { triggerId: 'issues' });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  trigger = `${agent}/triggers/issues`;
}

const listDeliveries = async () => ((await w.call('ada', 'GET', `${trigger}/deliveries`)).body as { deliveries: Record<string, unknown>[] }).deliveries;

describe('trigger methods', () => {
  beforeEach(() => setUp(0));

  it('returns the trigger with its secret version names and no secret value, its creator, and RFC 3339 times', async () => {
    const { status, body } = await w.call('ada', 'GET', trigger);
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: trigger, scheme: 'GITHUB', secretVersions: [versions.old], enabled: true, creator: 'ada', createTime: expect.stringMatching(/Z$/) });
    expect(JSON.stringify(body)).not.toContain(oldSecret);
  });

  it('lets only those who may update the agent manage its triggers', async () => {
    expect((await w.call('bob', 'GET', trigger)).status).toBe(403);
    expect((await w.call('bob', 'POST', `${agent}/triggers`, triggerBody)).status).toBe(403);
    expect((await w.call('bob', 'GET', `${trigger}/deliveries`)).status).toBe(403);
    expect((await w.call('ada', 'GET', `${agent}/triggers/other`)).body).toMatchObject({ error: { code: 404, details: [{ reason: 'TRIGGER_NOT_FOUND' }] } });
  });

  it.each([
    [{ ...triggerBody, inputTemplate: 'Triage {{ issue.title' }, 'inputTemplate'],
    [{ ...triggerBody, secretVersions: ['whsec_pasted-secret'] }, 'secretVersions'],
    [{ ...triggerBody, scheme: 'SVIX' }, 'scheme'],
    [{ ...triggerBody, runConfig: { streaming_mode: 'BIDI' } }, 'runConfig'],
    [{ ...triggerBody, colour: 'red' }, 'colour'],
  ])('refuses an invalid trigger %#, naming the field', async (body, field) => {
    const answer = await w.call('ada', 'POST', `${agent}/triggers`, body);
    expect(answer.body).toMatchObject({ error: { code: 400, details: [{ reason: 'INVALID_TRIGGER' }] } });
    expect(JSON.stringify(answer.body)).toContain(field);
  });

  it('patches the fields in the update mask, refuses other paths, and lists and deletes triggers', async () => {
    const patched = await w.call('ada', 'PATCH', trigger, { enabled: false, secretVersions: [versions.new] }, { updateMask: 'enabled' });
    expect(patched.body).toMatchObject({ enabled: false, secretVersions: [versions.old] });
    expect((await w.call('ada', 'PATCH', trigger, {}, { updateMask: 'creator,constructor' })).body).toMatchObject({ error: { details: [{ reason: 'INVALID_UPDATE_MASK' }] } });
    expect((await w.call('ada', 'GET', `${agent}/triggers`)).body).toMatchObject({ triggers: [{ name: trigger, enabled: false }] });
    expect((await w.call('ada', 'DELETE', trigger)).body).toEqual({});
    expect((await w.call('ada', 'GET', trigger)).status).toBe(404);
  });
});

describe('the delivery endpoint', () => {
  it('starts one run of the agent for the trigger creator with the mapped input and session, answering 202 with its name', async () => {
    await setUp(1);
    const answer = await w.deliver(trigger, githubDelivery(oldSecret, issuePayload('opened', 42, 'Crash on start')));
    expect(answer.status).toBe(202);
    const runName = (answer.body as { run: string }).run;
    const run = await w.world.waitForRun(runName.slice('runs/'.length));
    expect(run).toMatchObject({ state: 'SUCCEEDED', input: 'Triage issue #42: Crash on start', userId: 'ada', sessionId: 'gh-7-42', agent: { name: agent } });
    expect(await listDeliveries()).toMatchObject([{ outcome: 'ACCEPTED', runName, headers: { 'x-hub-signature-256': '[redacted]', 'x-github-event': 'issues' } }]);
  });

  it('starts one run for the same delivery sent five times at once; the others answer 200 with the same run', async () => {
    await setUp(1);
    const delivery = githubDelivery(oldSecret, issuePayload('opened', 1, 'Twice'));
    const answers = await Promise.all(Array.from({ length: 5 }, () => w.deliver(trigger, delivery)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 202]);
    expect(new Set(answers.map((answer) => (answer.body as { run: string }).run)).size).toBe(1);
    await w.world.waitForRun((answers[0]!.body as { run: string }).run.slice('runs/'.length));
    expect(w.runSubmissions()).toHaveLength(1);
    expect((await listDeliveries()).filter((delivery) => delivery['outcome'] === 'ACCEPTED')).toHaveLength(1);
  });

  it.each([
    ['a tampered body', 401, 'BAD_SIGNATURE', (d: ReturnType<typeof githubDelivery>) => ({ ...d, body: Buffer.from(d.body.toString().replace('Crash', 'Trash')) })],
    ['a signature under another secret', 401, 'BAD_SIGNATURE', () => githubDelivery('not-the-secret', issuePayload('opened', 1, 'x'))],
    ['no signature', 401, 'MISSING_HEADER', (d: ReturnType<typeof githubDelivery>) => ({ ...d, headers: { ...d.headers, 'x-hub-signature-256': '' } })],
    ['a SHA-1 signature', 401, 'UNSUPPORTED_SIGNATURE_VERSION', (d: ReturnType<typeof githubDelivery>) => ({ ...d, headers: { ...d.headers, 'x-hub-signature-256': 'sha1=ab' } })],
    ['an event the filter leaves out', 200, 'FILTERED_OUT', () => githubDelivery(oldSecret, issuePayload('closed', 1, 'x'))],
    ['another event type', 200, 'FILTERED_OUT', () => githubDelivery(oldSecret, { zen: 'Keep it simple.' }, { event: 'ping' })],
    ['a payload without the template path', 400, 'TEMPLATE_PATH_MISSING', () => githubDelivery(oldSecret, { action: 'opened', issue: { number: 1 }, repository: { id: 7 } })],
    ['a body that is not JSON', 400, 'MALFORMED_BODY', () => signedRaw(Buffer.from('action=opened'))],
    ['an oversized body', 413, 'OVERSIZED_BODY', () => signedRaw(Buffer.alloc(1024 * 1024 + 1, 0x20))],
  ])('refuses %s with no run, answering %i, and records it with reason %s', async (_name, status, reason, make) => {
    await setUp(0);
    const answer = await w.deliver(trigger, make(githubDelivery(oldSecret, issuePayload('opened', 1, 'Crash'))));
    expect(answer.status).toBe(status);
    const [recorded] = await listDeliveries();
    expect(recorded).toMatchObject({ outcome: 'REFUSED', reason, message: expect.any(String), headers: expect.any(Object) });
    expect(JSON.stringify(recorded)).not.toContain(oldSecret);
    if (status !== 200) expect(answer.body).toMatchObject({ error: { code: status, details: [{ reason, metadata: { delivery: recorded!['name'] } }] } });
    expect(w.runSubmissions()).toHaveLength(0);
  });

  it('accepts deliveries signed with either active secret while one is rotated, and refuses the retired one', async () => {
    await setUp(2);
    await w.call('ada', 'PATCH', trigger, { secretVersions: [versions.old, versions.new] }, { updateMask: 'secretVersions' });
    expect((await w.deliver(trigger, githubDelivery(oldSecret, issuePayload('opened', 1, 'a')))).status).toBe(202);
    expect((await w.deliver(trigger, githubDelivery(newSecret, issuePayload('opened', 2, 'b')))).status).toBe(202);
    await w.call('ada', 'PATCH', trigger, { secretVersions: [versions.new] }, { updateMask: 'secretVersions' });
    expect((await w.deliver(trigger, githubDelivery(oldSecret, issuePayload('opened', 3, 'c')))).status).toBe(401);
    await w.world.queue.idle();
  });

  it('answers 404 and records nothing for a missing or disabled trigger', async () => {
    await setUp(0);
    expect((await w.deliver(`${agent}/triggers/nope`, githubDelivery(oldSecret, issuePayload('opened', 1, 'x')))).status).toBe(404);
    await w.call('ada', 'PATCH', trigger, { enabled: false }, { updateMask: 'enabled' });
    const answer = await w.deliver(trigger, githubDelivery(oldSecret, issuePayload('opened', 1, 'x')));
    expect(answer).toMatchObject({ status: 404, body: { error: { message: 'Not found' } } });
    expect(await listDeliveries()).toEqual([]);
  });

  it("records a secret version that cannot be read as the owner's problem, 503", async () => {
    await setUp(0);
    await w.call('ada', 'PATCH', trigger, { secretVersions: ['projects/p1/secrets/gone/versions/1'] }, { updateMask: 'secretVersions' });
    expect((await w.deliver(trigger, githubDelivery(oldSecret, issuePayload('opened', 1, 'x')))).status).toBe(503);
    expect(await listDeliveries()).toMatchObject([{ reason: 'SECRET_NOT_FOUND' }]);
  });
});

/** A body signed with the trigger's secret, whatever its bytes. */
function signedRaw(body: Buffer) {
  const signed = githubDelivery(oldSecret, {});
  return { body, headers: { ...signed.headers, 'x-hub-signature-256': `sha256=${createHmac('sha256', oldSecret).update(body).digest('hex')}` } };
}

describe('trigger secrets a deployment can never read', () => {
  // The Secret Manager adapter as deployed; deciding what it may read calls no server.
  const deployedSecrets = () => new SecretManagerWebhookSecrets(new SecretManagerServiceClient(), { project: 'p1', secretIdPrefix: 'agentline-webhook-' });

  it('refuses them when the trigger is created or patched, naming the secrets it may name', async () => {
    const world = createInMemoryWorld({ model: new ScriptedModel([]) });
    const api = createApiHandlersOverWorld(world, { webhookSecrets: deployedSecrets() });
    await new InMemoryAgentRegistry(world.documents).transact(async (tx) => tx.createAgent(sampleAgentRecord('triager', { state: 'ENABLED', creator: 'ada' })));
    const call = async (method: string, path: string, body?: unknown, query: Record<string, string> = {}) =>
      callApi(api.api, { method, path: `/v1/${path}`, query, authorization: `Bearer ${await tokenOverWorld('ada')}`, body });

    for (const version of ['projects/p1/secrets/agentline-page-token-key/versions/1', 'projects/other/secrets/agentline-webhook-gh/versions/1']) {
      const refused = await call('POST', `${agent}/triggers`, { ...triggerBody, secretVersions: [version] });
      expect(refused.body).toMatchObject({ error: { code: 400, details: [{ reason: 'SECRET_NOT_ALLOWED' }] } });
      expect(JSON.stringify(refused.body)).toContain(`secret version ${version} is not one this deployment may read`);
      expect(JSON.stringify(refused.body)).toContain('projects/p1/secrets/agentline-webhook-…/versions/<number or latest>');
    }
    const allowed = 'projects/p1/secrets/agentline-webhook-gh/versions/latest';
    const created = await call('POST', `${agent}/triggers`, { ...triggerBody, secretVersions: [allowed] }, { triggerId: 'issues' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const patched = await call('PATCH', `${agent}/triggers/issues`, { secretVersions: [allowed, 'projects/p1/secrets/gh/versions/2'] }, { updateMask: 'secretVersions' });
    expect(patched.body).toMatchObject({ error: { code: 400, details: [{ reason: 'SECRET_NOT_ALLOWED' }] } });
    expect((await call('GET', `${agent}/triggers/issues`)).body).toMatchObject({ secretVersions: [allowed] });
  });
});
