import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { putLocalWebhookSecret } from '../shared/adapters/firestore/firestore-local-webhook-secrets.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { createAgentsApiClient, type AgentsApiClient } from '../shared/testing/agents-api-client.ts';
import { textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { githubDelivery, issuePayload } from '../shared/testing/github-delivery.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';

// Webhook triggers as a sender and an owner see them: the real HTTP function served by
// functions-framework (raw bytes and all), the trusted submissions topic, the pipeline, and the
// Firestore emulator holding the local secret versions.
let stack: LocalStack;
let gemini: GeminiWireServer;
let api: AgentsApiClient;
const parent = 'projects/p/locations/global/collections/default_collection/engines/e';
const versions = { old: 'projects/p/secrets/gh-hook/versions/1', new: 'projects/p/secrets/gh-hook/versions/2' };
const secrets = { old: 'int-test-github-secret-1', new: 'int-test-github-secret-2' };
let trigger: string;

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('webhook-triggers', { env: geminiWireTestEnv(gemini.url) });
  api = createAgentsApiClient(stack.functionsUrl, { ada: await mintLocalToken(stack.localAuthSecret, { userId: 'ada' }) });
  await putLocalWebhookSecret(stack.deps.firestore, versions.old, secrets.old);
  await putLocalWebhookSecret(stack.deps.firestore, versions.new, secrets.new);
  const agent = await api.createAgent('ada', parent, `triager${process.pid}`, {
    displayName: 'Triager',
    description: 'Triages issues.',
    adkAgentDefinition: { agentConfig: 'name: triager\ninstruction: Triage the issue in one word.\n' },
  });
  expect(await api.deploy('ada', agent)).toMatchObject({ response: { state: 'ENABLED' } });
  const created = await api.call('ada', 'POST', `${agent}/triggers?triggerId=issues`, {
    scheme: 'GITHUB',
    secretVersions: [versions.old],
    filter: { eventTypes: ['issues'], actions: ['opened'] },
    inputTemplate: 'Triage issue #{{ issue.number }}: {{ issue.title }}',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  trigger = created.body['name'] as string;
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

async function deliver(delivery: { body: Buffer; headers: Record<string, string> }): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${stack.functionsUrl}/v1/${trigger}:deliver`, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const runIdOf = (answer: { body: Record<string, any> }) => (answer.body['run'] as string).slice('runs/'.length);
const deliveries = async () => (await api.call('ada', 'GET', `${trigger}/deliveries`)).body['deliveries'] as Record<string, any>[];

describe('webhook triggers through the HTTP function', () => {
  it('starts one run with the mapped input for a signed GitHub delivery, and one run only for the same delivery sent five times at once', async () => {
    gemini.script([textReply('bug'), textReply('feature')]);
    const first = await deliver(githubDelivery(secrets.old, issuePayload('opened', 42, 'Crash on start')));
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(await waitForTerminalRun(stack.deps.store, runIdOf(first))).toMatchObject({ state: 'SUCCEEDED', input: 'Triage issue #42: Crash on start', userId: 'ada', output: { text: 'bug' } });

    const repeated = githubDelivery(secrets.old, issuePayload('opened', 43, 'Dark mode'));
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(repeated)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 202]);
    expect(new Set(answers.map(runIdOf)).size).toBe(1);
    expect(await waitForTerminalRun(stack.deps.store, runIdOf(answers[0]!))).toMatchObject({ state: 'SUCCEEDED', output: { text: 'feature' } });
    gemini.assertAllRepliesUsed();
    const accepted = (await deliveries()).filter((record) => record['outcome'] === 'ACCEPTED');
    expect(accepted.map((record) => record['deliveryId']).sort()).toEqual([first.body['deliveryId'], repeated.headers['x-github-delivery']].sort());
  });

  it('refuses a tampered body 401 and a filtered event 200, starting no run, and lists both with their reasons', async () => {
    const signed = githubDelivery(secrets.old, issuePayload('opened', 44, 'Crash'));
    const tampered = await deliver({ ...signed, body: Buffer.from(signed.body.toString().replace('Crash', 'Trash')) });
    expect(tampered).toMatchObject({ status: 401, body: { error: { status: 'UNAUTHENTICATED', details: [{ reason: 'BAD_SIGNATURE' }] } } });
    const closed = await deliver(githubDelivery(secrets.old, issuePayload('closed', 44, 'Crash')));
    expect(closed).toMatchObject({ status: 200, body: { reason: 'FILTERED_OUT' } });
    const [filtered, badSignature] = await deliveries();
    expect(filtered).toMatchObject({ outcome: 'REFUSED', reason: 'FILTERED_OUT', deliveryId: expect.any(String) });
    expect(badSignature).toMatchObject({ outcome: 'REFUSED', reason: 'BAD_SIGNATURE', headers: { 'x-hub-signature-256': '[redacted]' }, bodyPreview: expect.stringContaining('Trash') });
    expect(badSignature!['runName']).toBeUndefined();
  });

  it('accepts either secret while two are active, and refuses the old one once it is removed', async () => {
    gemini.script([textReply('a'), textReply('b')]);
    expect((await api.call('ada', 'PATCH', `${trigger}?updateMask=secretVersions`, { secretVersions: [versions.old, versions.new] })).status).toBe(200);
    const withOld = await deliver(githubDelivery(secrets.old, issuePayload('opened', 45, 'Old')));
    const withNew = await deliver(githubDelivery(secrets.new, issuePayload('opened', 46, 'New')));
    expect([withOld.status, withNew.status]).toEqual([202, 202]);
    await Promise.all([withOld, withNew].map((answer) => waitForTerminalRun(stack.deps.store, runIdOf(answer))));
    expect((await api.call('ada', 'PATCH', `${trigger}?updateMask=secretVersions`, { secretVersions: [versions.new] })).status).toBe(200);
    expect((await deliver(githubDelivery(secrets.old, issuePayload('opened', 47, 'Retired')))).status).toBe(401);
    gemini.assertAllRepliesUsed();
  });
});
