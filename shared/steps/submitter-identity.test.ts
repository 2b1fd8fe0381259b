import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { localTokenAudience, localTokenIssuer, mintLocalToken } from '../adapters/auth/local-token-authenticator.ts';
import { deriveRunId } from '../domain/submission.ts';
import { ScriptedModel, modelText } from '../testing/scripted-model.ts';
import { testAuthSecret } from '../testing/test-tokens.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';
import { createSubmissionHandler } from './handle-submission.ts';
import { authorizationAttribute } from './prove-submitter.ts';

const agent = { configYaml: 'name: echo_agent\ninstruction: Answer briefly.\n', fileName: 'echo.yaml' };
const privateAgentName = 'projects/p/locations/global/collections/default_collection/engines/e/agents/diary';

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

function start(replies: string[]) {
  const model = new ScriptedModel(replies.map((text) => modelText(text)));
  world = createInMemoryWorld({ model });
  return { ...world, model };
}

const texts = (contents: { parts: { text?: string }[] }[]) => contents.map((content) => content.parts[0]!.text);

describe("another user's session", () => {
  it("gives a run none of another user's session of the same id, adds nothing to it, and the owner's next run sees exactly its own turns", async () => {
    const { submit, waitForRun, model, store } = start(['Hello Ada.', 'I do not know you.', 'You are Ada.']);
    await waitForRun(submit({ agent, input: 'My name is Ada.', sessionId: 'diary', userId: 'ada' }));
    const intruder = await waitForRun(submit({ agent, input: 'What is my name?', sessionId: 'diary', userId: 'mallory' }));
    const owner = await waitForRun(submit({ agent, input: 'Who am I?', sessionId: 'diary', userId: 'ada' }));

    expect([intruder.state, owner.state]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(texts(model.requests[1]!.contents)).toEqual(['What is my name?']);
    expect(texts(model.requests[2]!.contents)).toEqual(['My name is Ada.', 'Hello Ada.', 'Who am I?']);
    const window = { maxRuns: 10, maxBytes: 100_000 };
    expect(texts(await store.listSessionHistory('mallory', 'diary', window))).toEqual(['What is my name?', 'I do not know you.']);
    expect((await store.listMemories('ada')).map((memory) => memory.input)).toEqual(['Who am I?', 'My name is Ada.']);
  });
});

describe('a userId without proof', () => {
  it('makes an anonymous run: no user on the run, no memory for the named user', async () => {
    const { submit, waitForRun, store } = start(['hi']);
    const run = await waitForRun(submit({ agent, input: 'hello', userId: 'ada' }, { unproven: true }));
    expect(run.state).toBe('SUCCEEDED');
    expect(run).not.toHaveProperty('userId');
    expect(await store.listMemories('ada')).toEqual([]);
  });

  it("is refused where proof is needed: another user's PRIVATE agent, and a session — each saying the claim was unproven", async () => {
    const { submit, waitForRun, agents, model } = start([]);
    agents.put({ name: privateAgentName, state: 'PRIVATE', creator: 'ada', definition: { kind: 'adk', configYaml: agent.configYaml } });
    const forgedPrivate = await waitForRun(submit({ agent: { name: privateAgentName }, input: 'read my diary', userId: 'ada' }, { unproven: true }));
    const forgedSession = await waitForRun(submit({ agent, input: 'what did I say?', sessionId: 'diary', userId: 'ada' }, { unproven: true }));

    expect(forgedPrivate).toMatchObject({ state: 'FAILED', error: { code: 'PERMISSION_DENIED', message: expect.stringMatching(/anonymous caller.*names user ada without proof/) } });
    expect(forgedSession).toMatchObject({ state: 'FAILED', error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/session belongs to a proven user.*names user ada without proof/) } });
    expect(model.requests).toHaveLength(0);
  });

  it('is refused an agent that needs a grant the named user holds', async () => {
    const { submit, waitForRun, agents } = start([]);
    agents.put({ name: privateAgentName, state: 'ENABLED', creator: 'grace', agentAuthorization: 'diary-readers', definition: { kind: 'adk', configYaml: agent.configYaml } });
    agents.grantAuthorization('ada', 'diary-readers');
    const forged = await waitForRun(submit({ agent: { name: privateAgentName }, input: 'read it', userId: 'ada' }, { unproven: true }));
    expect(forged).toMatchObject({ state: 'FAILED', error: { code: 'PERMISSION_DENIED', message: expect.stringMatching(/requires the authorization diary-readers.*names user ada without proof/) } });
  });

  it('says nothing of the unproven user where being anonymous is not what refused the run', async () => {
    const { submit, waitForRun } = start([]);
    const broken = await waitForRun(submit({ agent: { configYaml: 'name: broken\ninstruction: [', fileName: 'b.yaml' }, input: 'hi', userId: 'ada' }, { unproven: true }));
    expect(broken.state).toBe('FAILED');
    expect(broken.error?.message).not.toMatch(/without proof/);
  });

  it("never lands on the proven user's run: the same idempotency key names another run", async () => {
    const { submit, waitForRun } = start(['proven', 'anonymous']);
    const proven = await waitForRun(submit({ agent, input: 'hi', userId: 'ada', idempotencyKey: 'k1' }));
    const forged = await waitForRun(submit({ agent, input: 'hi', userId: 'ada', idempotencyKey: 'k1' }, { unproven: true }));
    expect(forged.runId).not.toBe(proven.runId);
    expect([proven.userId, forged.userId]).toEqual(['ada', undefined]);
  });
});

describe('a token that fails', () => {
  const sign = (build: (jwt: SignJWT) => SignJWT, secret = testAuthSecret) =>
    build(new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('ada').setIssuer(localTokenIssuer)).sign(new TextEncoder().encode(secret));

  it.each<[string, () => Promise<string>, RegExp]>([
    ['a token for another audience', () => sign((jwt) => jwt.setAudience('another-api').setExpirationTime('1h')), /aud/],
    ['an expired token', () => sign((jwt) => jwt.setAudience(localTokenAudience).setExpirationTime(Math.floor(Date.now() / 1000) - 60)), /exp/],
    ['a token signed with another key', () => mintLocalToken('another-secret-of-at-least-32-characters!!', { userId: 'ada' }), /signature/],
  ])('refuses %s: no run starts, and a rejection records why without the token', async (_case, token, reason) => {
    const { queue, store, model } = start([]);
    const submission = { agent, input: 'hi', userId: 'ada', idempotencyKey: 'k1' };
    const messageId = queue.publishRaw('tasks', Buffer.from(JSON.stringify(submission)), { [authorizationAttribute]: `Bearer ${await token()}` });
    await queue.idle();

    expect(await store.getRejection(messageId)).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(reason), attributes: { authorization: '[redacted]' } });
    expect(await store.getRun(deriveRunId({ idempotencyKey: 'k1', userId: 'ada' }, messageId))).toBeUndefined();
    expect(await store.getRun(deriveRunId({ idempotencyKey: 'k1', unprovenUserId: 'ada' }, messageId))).toBeUndefined();
    expect(model.requests).toHaveLength(0);
  });

  it("refuses a valid token for someone other than the submission's userId", async () => {
    const { queue, store } = start([]);
    const submission = { agent, input: 'hi', userId: 'ada' };
    const messageId = queue.publishRaw('tasks', Buffer.from(JSON.stringify(submission)), { authorization: `Bearer ${await mintLocalToken(testAuthSecret, { userId: 'mallory' })}` });
    await queue.idle();
    expect(await store.getRejection(messageId)).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/names user ada but its token proves user mallory/) });
  });
});

describe('a token checked at the publish time of its message', () => {
  const submission = Buffer.from(JSON.stringify({ agent, input: 'hi', userId: 'ada' }));
  const issued = Date.now() - 2 * 3600_000;
  const tokenValidThen = () =>
    new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('ada').setIssuer(localTokenIssuer).setAudience(localTokenAudience)
      .setIssuedAt(Math.floor(issued / 1000)).setExpirationTime(Math.floor(issued / 1000) + 600).sign(new TextEncoder().encode(testAuthSecret));

  it('proves its user however late the message is delivered, when it was valid at publish time', async () => {
    const { deps, waitForRun } = start(['hello']);
    const attributes = { authorization: `Bearer ${await tokenValidThen()}` };
    await createSubmissionHandler(deps)({ messageId: 'late-1', data: submission, attributes, source: 'agentline-tasks', publishTime: issued + 60_000 });
    expect(await waitForRun(deriveRunId({}, 'late-1'))).toMatchObject({ state: 'SUCCEEDED', userId: 'ada' });
  });

  it('is refused when it had expired by the publish time', async () => {
    const { handlers, store } = start([]);
    const attributes = { authorization: `Bearer ${await tokenValidThen()}` };
    await handlers.submitRun({ messageId: 'late-2', data: submission, attributes, source: 'agentline-tasks', publishTime: issued + 3600_000 });
    expect(await store.getRejection('late-2')).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/exp/) });
  });
});

describe('token subjects and attribute names', () => {
  it('refuses a token whose subject cannot be a user id, naming it', async () => {
    const { handlers, store } = start([]);
    const attributes = { authorization: `Bearer ${await mintLocalToken(testAuthSecret, { userId: 'ada/../grace' })}` };
    await handlers.submitRun({ messageId: 'slash-1', data: Buffer.from(JSON.stringify({ agent, input: 'hi' })), attributes, source: 'agentline-tasks' });
    expect(await store.getRejection('slash-1')).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/"ada\/..\/grace" cannot be a user id/) });
  });

  it("reads the token from an `Authorization` attribute too, and proves an email with '+' and an apostrophe", async () => {
    const { handlers, waitForRun } = start(['hi']);
    const userId = "o'brien+agents@example.com";
    const attributes = { Authorization: `Bearer ${await mintLocalToken(testAuthSecret, { userId })}` };
    await handlers.submitRun({ messageId: 'caps-1', data: Buffer.from(JSON.stringify({ agent, input: 'hi' })), attributes, source: 'agentline-tasks' });
    expect(await waitForRun(deriveRunId({}, 'caps-1'))).toMatchObject({ state: 'SUCCEEDED', userId });
  });
});

describe('the trusted submissions topic', () => {
  it('believes the user a publisher there asserts, without a token', async () => {
    const { deps, waitForRun, store } = start(['hello']);
    const handle = createSubmissionHandler(deps, 'publisher');
    await handle({ messageId: 'trusted-1', data: Buffer.from(JSON.stringify({ agent, input: 'hi', userId: 'ada', sessionId: 's1' })), attributes: {}, source: 'agentline-trusted-submissions' });
    const run = await waitForRun(deriveRunId({ topic: 'trusted' }, 'trusted-1'));
    expect(run).toMatchObject({ state: 'SUCCEEDED', userId: 'ada', sessionId: 's1' });
    expect(texts(await store.listSessionHistory('ada', 's1', { maxRuns: 10, maxBytes: 100_000 }))).toEqual(['hi', 'hello']);
  });
});
