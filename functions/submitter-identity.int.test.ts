import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../infra/topology.ts';
import { localTokenAudience, localTokenIssuer, mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { PubSubSubmissionPublisher } from '../shared/adapters/pubsub/pubsub-submission-publisher.ts';
import { deriveRunId, type Submission } from '../shared/domain/submission.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { startTestStack, wireServerTestEnv } from '../shared/testing/test-stack.ts';
import { until } from '../shared/testing/until.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';

// Submissions through the emulator's Pub/Sub push, proven (or not) by the token in their
// `authorization` attribute, verified by the submission function of a real local stack.
let stack: LocalStack;
let gemini: GeminiWireServer;

const agent = { configYaml: 'name: echo_agent\nmodel: gemini-2.5-flash\ninstruction: Answer briefly.\n', fileName: 'echo.yaml' };
const submission = (extra: Partial<Submission>): Submission => ({ schemaVersion: 1, agent, input: 'hi', idempotencyKey: `${Date.now()}-${Math.random()}`, ...extra });
const sessionId = `diary-${Date.now()}`;
const texts = (contents: { parts: { text?: string }[] }[]) => contents.map((content) => content.parts[0]!.text);

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('identity', { env: wireServerTestEnv(gemini.url) });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

async function run(extra: Partial<Submission>, reply: string) {
  gemini.script([textReply(reply)]);
  return waitForTerminalRun(stack.deps.store, await submitToStack(stack, submission(extra)));
}

describe('who a submission is for, on the emulators', () => {
  it("keeps a session to its user: another user's run with the same session id sees none of it, and the owner's next run sees exactly its own turns", async () => {
    gemini.requests.length = 0;
    await run({ input: 'My name is Ada.', sessionId, userId: 'ada' }, 'Hello Ada.');
    const intruder = await run({ input: 'What is my name?', sessionId, userId: 'mallory' }, 'I do not know.');
    const owner = await run({ input: 'Who am I?', sessionId, userId: 'ada' }, 'You are Ada.');

    expect([intruder.userId, owner.userId]).toEqual(['mallory', 'ada']);
    expect(texts(gemini.requests[1]!.body.contents)).toEqual(['What is my name?']);
    expect(texts(gemini.requests[2]!.body.contents)).toEqual(['My name is Ada.', 'Hello Ada.', 'Who am I?']);
  });

  it('runs a userId without a token anonymously, and refuses it a session', async () => {
    const publisher = new PubSubSubmissionPublisher(stack.deps.pubsub, topology.submissionsTopic);
    const forged = submission({ userId: 'ada', sessionId });
    const runId = deriveRunId({ idempotencyKey: forged.idempotencyKey, unprovenUserId: 'ada' }, await publisher.publish(forged));
    const refused = await waitForTerminalRun(stack.deps.store, runId);
    expect(refused).toMatchObject({ state: 'FAILED', error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/names user ada without proof/) } });
    expect(refused).not.toHaveProperty('userId');
  });

  const sign = (build: (jwt: SignJWT) => SignJWT, secret: string) =>
    build(new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('ada').setIssuer(localTokenIssuer)).sign(new TextEncoder().encode(secret));

  it.each<[string, () => Promise<string>, RegExp]>([
    ['a token for another audience', () => sign((jwt) => jwt.setAudience('another-api').setExpirationTime('1h'), stack.localAuthSecret), /aud/],
    ['an expired token', () => sign((jwt) => jwt.setAudience(localTokenAudience).setExpirationTime(Math.floor(Date.now() / 1000) - 60), stack.localAuthSecret), /exp/],
    ['a token signed with another key', () => mintLocalToken('a-key-this-stack-never-heard-of-0123456789', { userId: 'ada' }), /signature/],
  ])('refuses %s: no run, and a rejection with the reason and without the token', async (_case, token, reason) => {
    const publisher = new PubSubSubmissionPublisher(stack.deps.pubsub, topology.submissionsTopic);
    const refused = submission({ userId: 'ada' });
    const messageId = await publisher.publish(refused, { authorization: `Bearer ${await token()}` });
    await until(async () => (await stack.deps.store.getRejection(messageId)) !== undefined, 15_000);
    expect(await stack.deps.store.getRejection(messageId)).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(reason), attributes: { authorization: '[redacted]' } });
    expect(await stack.deps.store.getRun(deriveRunId({ idempotencyKey: refused.idempotencyKey, userId: 'ada' }, messageId))).toBeUndefined();
    expect(await stack.deps.store.getRun(deriveRunId({ idempotencyKey: refused.idempotencyKey, unprovenUserId: 'ada' }, messageId))).toBeUndefined();
  });

  it('believes the user a publisher on the trusted submissions topic asserts', async () => {
    gemini.script([textReply('hello')]);
    const trusted = submission({ userId: 'grace' });
    const messageId = await new PubSubSubmissionPublisher(stack.deps.pubsub, topology.trustedSubmissionsTopic).publish(trusted);
    const owned = await waitForTerminalRun(stack.deps.store, deriveRunId({ idempotencyKey: trusted.idempotencyKey, userId: 'grace' }, messageId));
    expect(owned).toMatchObject({ state: 'SUCCEEDED', userId: 'grace' });
  });
});
