import { describe, expect, it } from 'vitest';
import { LocalTokenAuthenticator, mintLocalToken } from '../adapters/auth/local-token-authenticator.ts';
import { InMemoryAgentCatalog } from '../adapters/in-memory/in-memory-agent-catalog.ts';
import { InMemoryAgentRegistry } from '../adapters/in-memory/in-memory-agent-registry.ts';
import { InMemoryWebhookSecrets } from '../adapters/in-memory/in-memory-webhook-secrets.ts';
import { InMemoryDocuments } from '../adapters/in-memory/in-memory-documents.ts';
import { InMemoryOutboxStore } from '../adapters/in-memory/in-memory-outbox-store.ts';
import { InMemoryRunStore } from '../adapters/in-memory/in-memory-run-store.ts';
import { InMemoryStepQueue } from '../adapters/in-memory/in-memory-step-queue.ts';
import { createPageTokenCodec } from '../domain/agents/page-token.ts';
import { silentLogger } from '../ports/logger.ts';
import { sampleAgentConfig, sampleParent } from '../testing/agent-fixtures.ts';
import { createApiHandlers } from '../wiring/create-api-handlers.ts';
import { callApi } from '../testing/call-api.ts';
import type { Submission } from '../domain/submission.ts';
import { sampleRun } from '../testing/run-fixtures.ts';
import { InMemorySchedulerJobs } from '../adapters/in-memory/in-memory-scheduler-jobs.ts';
import { InMemoryBatchStore } from '../adapters/in-memory/in-memory-batch-store.ts';
import { InMemoryCallbackStore } from '../adapters/in-memory/in-memory-callback-store.ts';
import { InMemoryArtifactStore } from '../adapters/in-memory/in-memory-artifact-store.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import { deriveRunId } from '../domain/submission.ts';
import { artifactScopeOfRun } from '../domain/artifacts/run-scope.ts';

const secret = 'unit-test-secret-of-at-least-32-characters';

/** The API and its deploy worker over in-memory adapters: Pub/Sub push semantics included. */
function createWorld({ maxAgentsPerUser = 100, artifacts }: { maxAgentsPerUser?: number; artifacts?: ArtifactStore } = {}) {
  const documents = new InMemoryDocuments();
  const registry = new InMemoryAgentRegistry(documents);
  const agents = new InMemoryAgentCatalog(documents);
  const queue = new InMemoryStepQueue();
  const outbox = new InMemoryOutboxStore(documents);
  let ids = 0;
  let now = 1_700_000_000_000;
  const submitted: Submission[] = [];
  const runs = new InMemoryRunStore(documents);
  const handlers = createApiHandlers({
    registry,
    agents,
    store: new InMemoryRunStore(documents),
    runs,
    callbacks: new InMemoryCallbackStore(documents),
    submissions: { publish: async (submission) => `m${submitted.push(submission)}` },
    queue,
    outbox,
    authenticator: new LocalTokenAuthenticator(secret, ['root']),
    pageTokens: createPageTokenCodec(secret),
    agentCreation: { parents: [sampleParent], maxAgentsPerUser },
    clock: { now: () => (now += 1000) },
    newId: () => `id${ids++}`,
    logger: silentLogger,
    availableTools: ['calculator'],
    webhookSecrets: new InMemoryWebhookSecrets(),
    schedulerJobs: new InMemorySchedulerJobs(),
    batches: new InMemoryBatchStore(documents),
    batchPolicy: { localFiles: true, buckets: 'any', httpCallbacks: true },
    fetchAgentCard: async (uri) => {
      throw new Error(`no network in unit tests (${uri})`);
    },
    ...(artifacts ? { artifacts } : {}),
  });
  queue.subscribe('agent-deploy', handlers.deployAgent);
  const call = async (user: string, method: string, path: string, body?: unknown, query: Record<string, string> = {}) => {
    return callApi(handlers.api, { method, path: `/v1/${path}`, query, authorization: `Bearer ${await mintLocalToken(secret, { userId: user })}`, body });
  };
  /** The agents named by the lifecycle announcements published so far. */
  const announced = () =>
    queue.published.filter((message) => message.topic === 'agent-lifecycle').map((message) => (JSON.parse(message.data.toString()) as { agentName: string }).agentName);
  return { call, queue, outbox, announced, agents, submitted, runs };
}

const agent = { displayName: 'Helper', description: 'Helps.', adkAgentDefinition: { agentConfig: sampleAgentConfig } };

describe('the API router', () => {
  it('runs create, deploy (through the worker), get and an operation poll end to end', async () => {
    const { call, queue } = createWorld();
    expect((await call('ada', 'POST', `${sampleParent}/agents`, agent, { agentId: 'helper' })).body).toMatchObject({ name: `${sampleParent}/agents/helper`, state: 'CONFIGURED' });
    const operation = (await call('ada', 'POST', `${sampleParent}/agents/helper:deploy`, {})).body as { name: string };
    expect(operation.name).toBe(`${sampleParent}/agents/helper/operations/deploy-id0`);
    await queue.idle();
    expect((await call('ada', 'GET', operation.name)).body).toMatchObject({ done: true, response: { state: 'ENABLED' } });
    expect((await call('ada', 'GET', `${sampleParent}/agents/helper`)).body).toMatchObject({ state: 'ENABLED' });
  });

  it('announces a finished deploy, enable and delete so the pipeline can resume or fail parked runs, and clears their outbox entries once published', async () => {
    const { call, queue, outbox, announced } = createWorld();
    const name = `${sampleParent}/agents/helper`;
    await call('ada', 'POST', `${sampleParent}/agents`, agent, { agentId: 'helper' });
    await call('ada', 'POST', `${name}:deploy`, {});
    await queue.idle();
    expect(announced()).toEqual([name]);
    await call('ada', 'POST', `${name}:suspendAgent`, {}, { suspensionReason: 'Maintenance' });
    expect(announced()).toEqual([name]);
    await call('ada', 'POST', `${name}:enableAgent`, {});
    await call('ada', 'DELETE', name);
    expect(announced()).toEqual([name, name, name]);
    expect(await outbox.listDue(Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
  });

  it.each([
    ['GET', 'v2/things', 404, 'NOT_FOUND'],
    ['PUT', `${sampleParent}/agents/x`, 405, 'UNIMPLEMENTED'],
    ['POST', `${sampleParent}/agents/x:launch`, 404, 'NOT_FOUND'],
    ['GET', 'projects/p/agents', 400, 'INVALID_ARGUMENT'],
    ['POST', 'projects/p/locations/l/agents', 400, 'INVALID_ARGUMENT'],
    ['GET', 'projects/p/locations/l/collections/c/engines/e/agents?', 200, undefined],
  ])('answers %s /v1/%s with %d', async (method, path, status, code) => {
    const { call } = createWorld();
    const answer = await call('root', method, path.replace(/\?$/, ''));
    expect(answer.status).toBe(status);
    if (code) expect(answer.body).toMatchObject({ error: { code: status, status: code } });
  });

  it('refuses an invalid parent and agent id naming the expected format', async () => {
    const { call } = createWorld();
    expect((await call('ada', 'POST', 'projects/p/locations/l/collections/c/engines/e/agents', agent, { agentId: 'Bad_Id' })).body).toMatchObject({
      error: { status: 'INVALID_ARGUMENT', message: expect.stringContaining('Invalid agentId "Bad_Id"') },
    });
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'fields.__proto__', 'displayName.constructor', 'icon.constructor'])(
    'answers PATCH with updateMask=%s 400 INVALID_ARGUMENT naming the path, never 500',
    async (mask) => {
      const { call } = createWorld();
      const name = `${sampleParent}/agents/helper`;
      await call('ada', 'POST', `${sampleParent}/agents`, agent, { agentId: 'helper' });
      const answer = await call('ada', 'PATCH', name, { displayName: 'Renamed' }, { updateMask: mask });
      expect(answer).toMatchObject({
        status: 400,
        body: { error: { status: 'INVALID_ARGUMENT', message: `updateMask: "${mask}" is not a field of Agent`, details: [{ reason: 'INVALID_UPDATE_MASK' }] } },
      });
      expect((await call('ada', 'GET', name)).body).toMatchObject({ displayName: 'Helper' });
    },
  );

  it("shows a user who may not edit an agent what getAgentView shows, never its definition, in get and list; its creator and admins see all of it", async () => {
    const { call } = createWorld();
    const name = `${sampleParent}/agents/helper`;
    const full = { ...agent, starterPrompts: [{ text: 'Hi' }], authorizationConfig: { toolAuthorizations: ['projects/p/locations/global/authorizations/t'] } };
    await call('ada', 'POST', `${sampleParent}/agents`, full, { agentId: 'helper' });
    const summary = { name, displayName: 'Helper', description: 'Helps.', createTime: expect.any(String), updateTime: expect.any(String), state: 'CONFIGURED' };
    expect((await call('bob', 'GET', name)).body).toStrictEqual(summary);
    expect((await call('bob', 'GET', `${sampleParent}/agents`)).body).toStrictEqual({ agents: [summary] });
    for (const user of ['ada', 'root']) {
      expect((await call(user, 'GET', name)).body).toMatchObject({ adkAgentDefinition: full.adkAgentDefinition, authorizationConfig: full.authorizationConfig, starterPrompts: full.starterPrompts });
      expect((await call(user, 'GET', `${sampleParent}/agents`)).body).toMatchObject({ agents: [{ adkAgentDefinition: full.adkAgentDefinition }] });
    }
  });

  it('refuses to create an agent under a parent the deployment does not serve, admins included, naming the parents it serves', async () => {
    const { call } = createWorld();
    const foreign = 'projects/someone-else/locations/global/collections/default_collection/engines/e1';
    for (const user of ['ada', 'root']) {
      expect((await call(user, 'POST', `${foreign}/agents`, agent, { agentId: 'helper' })).body).toMatchObject({
        error: {
          code: 403,
          status: 'PERMISSION_DENIED',
          message: `Permission denied to create agents under ${foreign}: this deployment creates agents only under ${sampleParent}`,
          details: [{ reason: 'PARENT_NOT_SERVED', metadata: { parent: foreign, servedParents: sampleParent } }],
        },
      });
    }
    expect((await call('root', 'GET', `${foreign}/agents`)).body).toEqual({ agents: [] });
  });

  it('refuses a user past the per-user agent limit with 429 RESOURCE_EXHAUSTED naming it, counts deletes, and exempts admins', async () => {
    const { call } = createWorld({ maxAgentsPerUser: 2 });
    for (const id of ['a1', 'a2']) expect((await call('ada', 'POST', `${sampleParent}/agents`, agent, { agentId: id })).status).toBe(200);
    expect((await call('ada', 'POST', `${sampleParent}/agents`, agent, { agentId: 'a3' })).body).toMatchObject({
      error: {
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        message: 'User ada has 2 agents, the most one user may have (2, AGENTLINE_MAX_AGENTS_PER_USER); delete one before creating another',
        details: [{ reason: 'AGENT_LIMIT_REACHED', metadata: { userId: 'ada', agentCount: '2', maxAgentsPerUser: '2' } }],
      },
    });
    expect((await call('bob', 'POST', `${sampleParent}/agents`, agent, { agentId: 'b1' })).status).toBe(200);
    for (const id of ['r1', 'r2', 'r3']) expect((await call('root', 'POST', `${sampleParent}/agents`, agent, { agentId: id })).status).toBe(200);
    await call('root', 'DELETE', `${sampleParent}/agents/a1`);
    expect((await call('ada', 'POST', `${sampleParent}/agents`, agent, { agentId: 'a3' })).status).toBe(200);
    expect((await call('ada', 'POST', `${sampleParent}/agents`, agent, { agentId: 'a4' })).status).toBe(429);
  });

  it('holds the per-user agent limit under concurrent creates', async () => {
    const { call } = createWorld({ maxAgentsPerUser: 3 });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, index) => call('ada', 'POST', `${sampleParent}/agents`, agent, { agentId: `c${index}` })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    expect(((await call('ada', 'GET', `${sampleParent}/agents`)).body as { agents: unknown[] }).agents).toHaveLength(3);
  });

  it('lets only admins grant authorizations, and exposes the grant to the pipeline', async () => {
    const { call, agents } = createWorld();
    const authorization = 'projects/p/locations/global/authorizations/payroll';
    expect((await call('ada', 'POST', 'users/ada/authorizations:grant', { authorization })).status).toBe(403);
    expect((await call('root', 'POST', 'users/ada/authorizations:grant', { authorization })).status).toBe(200);
    expect(await agents.holdsAuthorization('ada', authorization)).toBe(true);
    expect((await call('root', 'POST', 'users/ada/authorizations:grant', { authorisation: authorization })).body).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } });
  });
});

// This world's submissions are only recorded: no submission step ever writes the run, so every
// answer below comes from the owner claim runs.create wrote.
describe('a run created through the API before the submission step has written it', () => {
  const created = async (world: ReturnType<typeof createWorld>) => {
    const answer = await world.call('ada', 'POST', 'runs', { agent: { configYaml: 'name: a\ninstruction: Hi.\n', fileName: 'a.yaml' }, input: 'hello' }, { requestId: 'req-1' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as { name: string; runId: string };
  };

  it('is QUEUED to its owner and to admins, and 403 to anyone else, as a written run is', async () => {
    const world = createWorld();
    const run = await created(world);
    expect((await world.call('ada', 'GET', run.name)).body).toMatchObject({ name: run.name, state: 'QUEUED', agent: { name: 'a.yaml' }, input: 'hello', userId: 'ada' });
    expect((await world.call('root', 'GET', run.name)).body).toMatchObject({ state: 'QUEUED', userId: 'ada' });
    const denied = await world.call('bob', 'GET', run.name);
    expect(denied.status).toBe(403);
    expect((await world.call('bob', 'GET', `${run.name}:wait`, undefined, { timeout: '1' })).status).toBe(403);
    expect((await world.call('bob', 'POST', `${run.name}:cancel`, {})).status).toBe(403);
  });

  it('refuses input files it cannot keep before claiming the run, so no QUEUED run is left behind, naming the problem', async () => {
    const runName = `runs/${deriveRunId({ idempotencyKey: 'req-files', userId: 'ada', topic: 'trusted' }, 'req-files')}`;
    const create = (world: ReturnType<typeof createWorld>, files: unknown[]) =>
      world.call('ada', 'POST', 'runs', { agent: { configYaml: 'name: a\ninstruction: Hi.\n', fileName: 'a.yaml' }, input: 'hello', files }, { requestId: 'req-files' });
    const file = (name: string, bytes = 3) => ({ name, data: Buffer.alloc(bytes, 'a').toString('base64') });
    const refusals: [ReturnType<typeof createWorld>, unknown[], number, RegExp][] = [
      [createWorld(), [file('a.csv')], 400, /keeps no files/],
      [createWorld({ artifacts: new InMemoryArtifactStore() }), [file('executions/x.json')], 400, /^files\[0\]\.name: executions\/x\.json is under a name the pipeline keeps for itself/],
      [createWorld({ artifacts: new InMemoryArtifactStore() }), [file('a.csv'), file('a.csv')], 400, /^files: two files have the same name$/],
      [createWorld({ artifacts: new InMemoryArtifactStore() }), [file('a.bin', 5_300_000), file('b.bin', 5_300_000)], 400, /^files: 10600000 bytes in all; the limit is 10485760$/],
    ];
    for (const [world, files, status, message] of refusals) {
      const answer = await create(world, files);
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect((answer.body as { error: { message: string } }).error.message).toMatch(message);
      // An admin is told a run does not exist only when not even its claim was written.
      expect((await world.call('root', 'GET', runName)).status).toBe(404);
      expect(world.submitted).toEqual([]);
    }
    // Once the files are right, the same request id starts the run.
    const world = createWorld({ artifacts: new InMemoryArtifactStore() });
    expect((await create(world, [file('executions/x.json')])).status).toBe(400);
    expect((await create(world, [file('a.csv')])).body).toMatchObject({ name: runName, state: 'QUEUED' });
    expect(world.submitted[0]!.inputFiles).toEqual([{ name: 'a.csv', version: 0, contentType: 'text/csv' }]);
  });

  it("lists and downloads the run's files but never code execution's records or the browser's cookies kept beside them", async () => {
    const artifacts = new InMemoryArtifactStore();
    const world = createWorld({ artifacts });
    const csv = Buffer.from('region,q1\nNorth,3\n');
    const created = await world.call('ada', 'POST', 'runs', { agent: { configYaml: 'name: a\ninstruction: Hi.\n', fileName: 'a.yaml' }, input: 'hello', files: [{ name: 'sales.csv', data: csv.toString('base64') }] }, { requestId: 'req-2' });
    const { name, runId } = created.body as { name: string; runId: string };
    await artifacts.save(artifactScopeOfRun({ runId, userId: 'ada' }), { name: 'executions/k/request.json', data: Buffer.from('{}'), contentType: 'application/json', provenance: { runId } });
    await artifacts.save(artifactScopeOfRun({ runId, userId: 'ada' }), { name: `browser-sessions/${runId}.json`, data: Buffer.from('{"cookies":[]}'), contentType: 'application/json', provenance: { runId } });
    expect(((await world.call('ada', 'GET', `${name}/artifacts`)).body as { artifacts: { name: string }[] }).artifacts.map((artifact) => artifact.name)).toEqual(['sales.csv']);
    const download = await world.call('ada', 'GET', `${name}/artifacts/sales.csv`);
    expect([download.status, download.body]).toEqual([200, csv]);
    const record = await world.call('ada', 'GET', `${name}/artifacts/executions/k/request.json`);
    expect([record.status, (record.body as { error: { message: string } }).error.message]).toEqual([404, `executions/k/request.json is a record the pipeline keeps for itself, not a file of ${name}`]);
    const cookies = await world.call('ada', 'GET', `${name}/artifacts/browser-sessions/${runId}.json`);
    expect(cookies.status).toBe(404);
  });

  it('answers a repeated create with the first claim, publishing the submission again (the submission step is idempotent)', async () => {
    const world = createWorld();
    const first = await created(world);
    const again = await created(world);
    expect(again).toEqual(first);
    expect(world.submitted).toHaveLength(2);
    expect(new Set(world.submitted.map((submission) => submission.idempotencyKey))).toEqual(new Set(['req-1']));
  });

  it('is waited for until written and ended, and answered QUEUED when the wait times out first', async () => {
    const world = createWorld();
    const run = await created(world);
    expect((await world.call('ada', 'GET', `${run.name}:wait`, undefined, { timeout: '0.2' })).body).toMatchObject({ state: 'QUEUED' });
    const waiting = world.call('ada', 'GET', `${run.name}:wait`, undefined, { timeout: '5' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await world.runs.transact(async (tx) => tx.createRun(sampleRun(run.runId, { userId: 'ada', state: 'FAILED', endTime: 2, error: { code: 'X', message: 'm' } })));
    expect((await waiting).body).toMatchObject({ name: run.name, state: 'FAILED' });
  });

  it('is cancelled once the submission step has written it, the cancel waiting for that', async () => {
    const world = createWorld();
    const run = await created(world);
    const cancelling = world.call('ada', 'POST', `${run.name}:cancel`, {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(world.queue.published.filter((message) => message.topic === 'run-control')).toHaveLength(0);
    await world.runs.transact(async (tx) => tx.createRun(sampleRun(run.runId, { userId: 'ada', state: 'RUNNING' })));
    expect((await cancelling).status).toBe(200);
    expect(world.queue.published.filter((message) => message.topic === 'run-control')).toHaveLength(1);
  });
});
