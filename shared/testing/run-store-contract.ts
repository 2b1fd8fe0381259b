import { describe, expect, it } from 'vitest';
import type { RetentionPolicy } from '../domain/retention.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { RunStreamRecord } from '../domain/run-stream.ts';
import type { SessionEntry } from '../domain/session-entry.ts';
import type { CatalogAgent } from '../ports/agent-catalog.ts';
import { AlreadyExistsError, type RunStore } from '../ports/run-store.ts';
import { sampleEvent, sampleRun, sampleStep } from './run-fixtures.ts';

let counter = 0;
/** Ids unique per test so suites can share one database. */
const uniqueId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

/** A store plus a way to write agent documents into the same database, as the registry does. */
export interface RunStoreWithAgents {
  store: RunStore;
  putAgent(agent: CatalogAgent): Promise<void>;
}

const sampleAgent = (name: string, state: CatalogAgent['state']): CatalogAgent => ({
  name,
  state,
  creator: 'ada',
  definition: { kind: 'adk', configYaml: 'name: a\n' },
});

/**
 * The behaviour every RunStore must have, run against the in-memory store in unit tests and
 * against Firestore (emulator) in integration tests.
 */
export function describeRunStoreContract(
  name: string,
  /** A store; with `retention`, one that stamps documents' expiry by it. */
  createStore: (retention?: RetentionPolicy) => RunStore,
  createWithAgents: () => RunStoreWithAgents,
): void {
  describe(`RunStore contract: ${name}`, () => {
    it('reads an agent\'s lifecycle state and creator inside a transaction, undefined when there is no such agent', async () => {
      const { store, putAgent } = createWithAgents();
      const agentName = `projects/p/locations/global/collections/c/engines/e/agents/${uniqueId('a')}`;
      expect(await store.transact((tx) => tx.getAgentLifecycle(agentName))).toBeUndefined();
      await putAgent(sampleAgent(agentName, 'SUSPENDED'));
      const runId = uniqueId('r');
      const state = await store.transact(async (tx) => {
        const read = await tx.getAgentLifecycle(agentName);
        tx.createRun(sampleRun(runId));
        return read;
      });
      expect(state).toEqual({ state: 'SUSPENDED', creator: 'ada' });
      await putAgent({ ...sampleAgent(agentName, 'PRIVATE'), creator: 'grace' });
      expect(await store.transact((tx) => tx.getAgentLifecycle(agentName))).toEqual({ state: 'PRIVATE', creator: 'grace' });
    });

    it('lists the WAITING runs of one agent, oldest first, and no others', async () => {
      const { store } = createWithAgents();
      const agentName = `projects/p/locations/global/collections/c/engines/e/agents/${uniqueId('a')}`;
      const agent = (name: string) => ({ name, version: 'v1', definition: { name: 'a', model: 'gemini-2.5-flash', description: '', instruction: '', tools: [] }, registered: true });
      const later = sampleRun(uniqueId('r'), { state: 'WAITING', agent: agent(agentName), createTime: 2_000 });
      const earlier = sampleRun(uniqueId('r'), { state: 'WAITING', agent: agent(agentName), createTime: 1_000 });
      const running = sampleRun(uniqueId('r'), { state: 'RUNNING', agent: agent(agentName) });
      const otherAgent = sampleRun(uniqueId('r'), { state: 'WAITING', agent: agent(`${agentName}x`) });
      await store.transact(async (tx) => {
        for (const run of [later, earlier, running, otherAgent]) tx.createRun(run);
        tx.createStep(sampleStep(earlier.runId, '0-plan-0'));
      });
      expect((await store.listWaitingRuns(agentName)).map((run) => run.runId)).toEqual([earlier.runId, later.runId]);
      expect(await store.listWaitingRuns(`${agentName}-none`)).toEqual([]);
    });

    it('returns undefined for a run that does not exist', async () => {
      expect(await createStore().getRun(uniqueId('missing'))).toBeUndefined();
    });

    it('returns a created run equal to what was written, as a copy the caller may change', async () => {
      const store = createStore();
      const run = sampleRun(uniqueId('r'), { output: { text: 'done' }, usage: { totalTokenCount: 7 } });
      await store.transact(async (tx) => tx.createRun(run));
      const read = await store.getRun(run.runId);
      expect(read).toEqual(run);
      read!.state = 'FAILED';
      expect((await store.getRun(run.runId))?.state).toBe('QUEUED');
    });

    it('refuses to create a run that already exists', async () => {
      const store = createStore();
      const run = sampleRun(uniqueId('r'));
      await store.transact(async (tx) => tx.createRun(run));
      await expect(store.transact(async (tx) => tx.createRun(run))).rejects.toBeInstanceOf(AlreadyExistsError);
    });

    it('applies none of a transaction when one of its creates conflicts', async () => {
      const store = createStore();
      const run = sampleRun(uniqueId('r'));
      const step = sampleStep(run.runId, '0-plan-0');
      await store.transact(async (tx) => {
        tx.createRun(run);
        tx.createStep(step);
      });
      await expect(
        store.transact(async (tx) => {
          tx.putRun({ ...run, state: 'RUNNING' });
          tx.createStep(step);
        }),
      ).rejects.toBeInstanceOf(AlreadyExistsError);
      expect((await store.getRun(run.runId))?.state).toBe('QUEUED');
    });

    it('applies nothing when the transaction work throws', async () => {
      const store = createStore();
      const runId = uniqueId('r');
      await expect(
        store.transact(async (tx) => {
          tx.createRun(sampleRun(runId));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.getRun(runId)).toBeUndefined();
    });

    it('refuses a read after a write in the same transaction', async () => {
      const store = createStore();
      const runId = uniqueId('r');
      await expect(
        store.transact(async (tx) => {
          tx.createRun(sampleRun(runId));
          await tx.getRun(runId);
        }),
      ).rejects.toThrow(/reads/i);
    });

    it('serializes concurrent read-modify-write transactions on one run so no update is lost', async () => {
      const store = createStore();
      const run = sampleRun(uniqueId('r'));
      await store.transact(async (tx) => tx.createRun(run));
      const increment = () =>
        store.transact(async (tx) => {
          const current = await tx.getRun(run.runId);
          tx.putRun({ ...current!, llmCallCount: current!.llmCallCount + 1 });
        });
      await Promise.all([increment(), increment()]);
      expect((await store.getRun(run.runId))?.llmCallCount).toBe(2);
    });

    it('returns steps in the order asked, with undefined for missing ones', async () => {
      const store = createStore();
      const runId = uniqueId('r');
      await store.transact(async (tx) => {
        tx.createStep(sampleStep(runId, '0-tool-0'));
        tx.createStep(sampleStep(runId, '0-tool-2'));
      });
      const steps = await store.getSteps(runId, ['0-tool-2', '0-tool-1', '0-tool-0']);
      expect(steps.map((step) => step?.stepId)).toEqual(['0-tool-2', undefined, '0-tool-0']);
      expect(await store.getSteps(runId, [])).toEqual([]);
    });

    it('lists steps in creation order', async () => {
      const store = createStore();
      const runId = uniqueId('r');
      await store.transact(async (tx) => {
        tx.createStep(sampleStep(runId, '1-model-0', 3_000));
        tx.createStep(sampleStep(runId, '0-plan-0', 1_000));
        tx.createStep(sampleStep(runId, '0-model-0', 2_000));
      });
      expect((await store.listSteps(runId)).map((step) => step.stepId)).toEqual(['0-plan-0', '0-model-0', '1-model-0']);
    });

    it('lists events by sequence number, not by write order or string order', async () => {
      const store = createStore();
      const runId = uniqueId('r');
      await store.transact(async (tx) => tx.putEvents(runId, [sampleEvent(10, 'ten'), sampleEvent(2, 'two')]));
      await store.transact(async (tx) => tx.putEvents(runId, [sampleEvent(1, 'one')]));
      expect((await store.listEvents(runId)).map((event) => event.seq)).toEqual([1, 2, 10]);
    });

    it("numbers on from the stream's last record when a run was written without its count (an older version's write)", async () => {
      const store = createStore();
      const runId = uniqueId('r');
      const record = (seq: number) => ({ schemaVersion: 1 as const, runId, seq, type: 'step.started' as const, stepId: '0-model-0', data: { kind: 'model', attempt: 1 }, createTime: 1_000 });
      await store.transact(async (tx) => {
        tx.createRun(sampleRun(runId, { streamCount: 3 }));
        tx.putStreamRecords(runId, [record(0), record(1), record(2)]);
      });
      // An older version read the run without the field and wrote it back whole.
      const { streamCount: _dropped, ...older } = (await store.getRun(runId))!;
      await store.transact(async (tx) => tx.putRun(older));
      expect(await store.transact((tx) => tx.getRun(runId))).toMatchObject({ streamCount: 3 });
      const fresh = uniqueId('r');
      await store.transact(async (tx) => tx.createRun(sampleRun(fresh)));
      expect((await store.transact((tx) => tx.getRun(fresh)))?.streamCount).toBeUndefined();
    });

    it('lists event-stream records after a seq in seq order, at most a limit, keeping their data exactly', async () => {
      const store = createStore();
      const runId = uniqueId('r');
      const record = (seq: number): RunStreamRecord => ({ schemaVersion: 1, runId, seq, type: 'tool.call', stepId: '0-model-0', data: { name: 'matrix', args: { rows: [[1, 2], [3, 4]] } }, createTime: 1_000 + seq });
      await store.transact(async (tx) => tx.putStreamRecords(runId, [record(10), record(2)]));
      await store.transact(async (tx) => tx.putStreamRecords(runId, [record(1), record(0)]));
      expect((await store.listStream(runId, -1, 100)).map((stored) => stored.seq)).toEqual([0, 1, 2, 10]);
      expect(await store.listStream(runId, 1, 2)).toEqual([record(2), record(10)]);
      expect(await store.listStream(runId, 10, 100)).toEqual([]);
    });

    it('keeps model payloads exactly: nested arrays in arguments and thought signatures', async () => {
      const store = createStore();
      const runId = uniqueId('r');
      const event: RunEvent = {
        schemaVersion: 1,
        seq: 0,
        origin: 'run',
        stepId: '0-model-0',
        createTime: 1_790_000_000_001,
        content: {
          role: 'model',
          parts: [
            {
              functionCall: { name: 'matrix', args: { rows: [[1, 2], [3, 4]], empty: {}, label: 'x' } },
              thoughtSignature: 'CiQBcsjafQ7+/==',
            },
            { text: 'unicode ✓ “quotes”', thought: true },
          ],
        },
      };
      await store.transact(async (tx) => tx.putEvents(runId, [event]));
      expect(await store.listEvents(runId)).toEqual([event]);
    });

    it('keeps one conversation checkpoint per run, the latest written, inside and outside transactions', async () => {
      const store = createStore();
      const runId = uniqueId('r');
      expect(await store.getConversation(runId)).toBeUndefined();
      const events = [sampleEvent(0, 'question'), { ...sampleEvent(1, 'nested'), content: { role: 'model' as const, parts: [{ functionCall: { name: 'm', args: { rows: [[1, 2]] } }, thoughtSignature: 'CiQB+/==' }] } }];
      const first = { schemaVersion: 1 as const, runId, eventCount: 1, events: events.slice(0, 1), createTime: 1_790_000_000_400 };
      const second = { schemaVersion: 1 as const, runId, eventCount: 2, events, createTime: 1_790_000_000_500 };
      await store.transact(async (tx) => tx.putConversation(first));
      await store.transact(async (tx) => tx.putConversation(second));
      expect(await store.getConversation(runId)).toEqual(second);
      expect(await store.transact((tx) => tx.getConversation(runId))).toEqual(second);
    });

    it('gives the join of a turn to its first claimant only, even when claims race', async () => {
      const store = createStore();
      const runId = uniqueId('r');
      const claims = await Promise.all(['0-tool-0', '0-tool-1', '0-tool-2'].map((stepId) => store.claimJoin(runId, 0, stepId, 1_000)));
      const owners = new Set(claims.map((claim) => claim.claimedBy));
      expect(owners.size).toBe(1);
      expect((await store.claimJoin(runId, 0, '0-tool-9', 1_000)).claimedBy).toBe([...owners][0]);
      expect((await store.claimJoin(runId, 1, '1-tool-0', 1_000)).claimedBy).toBe('1-tool-0');
    });

    it('reads a committed join inside a transaction with its outbox', async () => {
      const store = createStore();
      const runId = uniqueId('r');
      const claim = await store.claimJoin(runId, 3, '3-tool-1', 1_000);
      const outbox = [{ topic: 'model' as const, data: { runId }, stepId: '4-model-0' }];
      await store.transact(async (tx) => tx.putJoin({ ...claim, committed: true, outbox }));
      const read = await store.transact((tx) => tx.getJoin(runId, 3));
      expect(read).toMatchObject({ claimedBy: '3-tool-1', committed: true, outbox });
      expect(await store.transact((tx) => tx.getJoin(runId, 4))).toBeUndefined();
    });

    it('keeps each run in its session once and returns the history oldest run first', async () => {
      const store = createStore();
      const sessionId = uniqueId('s');
      const userId = uniqueId('u');
      const entry = (runId: string, runCreateTime: number, text: string): SessionEntry => ({
        schemaVersion: 1,
        sessionId,
        userId,
        runId,
        runCreateTime,
        contents: [{ role: 'user', parts: [{ text }] }],
        createTime: runCreateTime,
      });
      await store.transact(async (tx) => tx.putSessionEntry(entry('b', 2_000, 'second run')));
      await store.transact(async (tx) => tx.putSessionEntry(entry('a', 1_000, 'first run')));
      await store.transact(async (tx) => tx.putSessionEntry(entry('a', 1_000, 'first run')));
      const texts = async (window: { maxRuns: number; maxBytes: number }) =>
        (await store.listSessionHistory(userId, sessionId, window)).map((content) => content.parts[0]!.text);
      expect(await texts({ maxRuns: 10, maxBytes: 100_000 })).toEqual(['first run', 'second run']);
      expect(await texts({ maxRuns: 1, maxBytes: 100_000 })).toEqual(['second run']);
      expect(await store.listSessionHistory(userId, uniqueId('none'), { maxRuns: 10, maxBytes: 100_000 })).toEqual([]);
    });

    it("keeps a session to its user: another user's session of the same id is a different, empty session", async () => {
      const store = createStore();
      const [sessionId, owner, other] = [uniqueId('s'), uniqueId('u'), uniqueId('u')];
      const contents = [{ role: 'user' as const, parts: [{ text: "the owner's turn" }] }];
      await store.transact(async (tx) => tx.putSessionEntry({ schemaVersion: 1, sessionId, userId: owner, runId: 'r1', runCreateTime: 1, contents, createTime: 1 }));
      const window = { maxRuns: 10, maxBytes: 100_000 };
      expect(await store.listSessionHistory(other, sessionId, window)).toEqual([]);
      expect(await store.listSessionHistory(owner, sessionId, window)).toEqual(contents);
    });

    it('keeps one long-term memory per id and lists newest first', async () => {
      const store = createStore();
      const userId = uniqueId('u');
      const memory = { schemaVersion: 1 as const, userId, memoryId: 'm1', runId: 'm1', input: 'q', output: 'a', createTime: 1_000 };
      await store.transact(async (tx) => tx.putMemory(memory));
      await store.transact(async (tx) => tx.putMemory(memory));
      await store.transact(async (tx) => tx.putMemory({ ...memory, memoryId: 'm2', runId: 'm2', createTime: 2_000 }));
      expect((await store.listMemories(userId)).map((record) => record.memoryId)).toEqual(['m2', 'm1']);
    });

    it('lists the steps of every run that are due by a time, earliest first, up to a limit, and none without a due time', async () => {
      const store = createStore();
      const [first, second] = [uniqueId('r'), uniqueId('r')];
      // Due times far below every other test's, so the suite's other documents stay out of the way.
      await store.transact(async (tx) => {
        tx.createStep({ ...sampleStep(first, '0-plan-0', 1), dueTime: 30 });
        tx.createStep({ ...sampleStep(second, '0-model-0', 1), dueTime: 10 });
        tx.createStep({ ...sampleStep(second, '1-model-0', 1), dueTime: 20 });
        tx.createStep({ ...sampleStep(first, '1-plan-0', 1), dueTime: 50 });
        const { dueTime: _none, ...finished } = sampleStep(first, '2-plan-0', 1);
        tx.createStep({ ...finished, state: 'SUCCEEDED' });
      });
      const mine = (steps: { runId: string; stepId: string }[]) =>
        steps.filter((step) => step.runId === first || step.runId === second).map((step) => `${step.runId === first ? 'first' : 'second'}/${step.stepId}`);
      expect(mine(await store.listDueSteps(30, 100))).toEqual(['second/0-model-0', 'second/1-model-0', 'first/0-plan-0']);
      expect(mine(await store.listDueSteps(30, 2))).toEqual(['second/0-model-0', 'second/1-model-0']);
      expect(mine(await store.listDueSteps(9, 100))).toEqual([]);
    });

    it('lists runs past their deadline that have not ended, earliest deadline first', async () => {
      const store = createStore();
      const ids = { late: uniqueId('r'), later: uniqueId('r'), ended: uniqueId('r'), future: uniqueId('r'), waiting: uniqueId('r') };
      await store.transact(async (tx) => {
        tx.createRun(sampleRun(ids.later, { state: 'RUNNING', deadlineTime: 300 }));
        tx.createRun(sampleRun(ids.late, { state: 'QUEUED', deadlineTime: 100 }));
        tx.createRun(sampleRun(ids.waiting, { state: 'WAITING', deadlineTime: 200 }));
        tx.createRun(sampleRun(ids.ended, { state: 'SUCCEEDED', deadlineTime: 50 }));
        tx.createRun(sampleRun(ids.future, { state: 'RUNNING', deadlineTime: 10_000 }));
      });
      const mine = new Set(Object.values(ids));
      const listed = (await store.listRunsPastDeadline(300, 100)).filter((run) => mine.has(run.runId)).map((run) => run.runId);
      expect(listed).toEqual([ids.late, ids.waiting, ids.later]);
    });

    it('deletes run documents once their expiry time has passed, and not before', async () => {
      const store = createStore({ retentionMs: 1_000, maxRunMs: 500 });
      const runId = uniqueId('r');
      // The run document expires after its end (1_200) plus the retention; the others after their
      // creation (1_000) plus the longest run plus the retention.
      const rejectionId = uniqueId('msg');
      await store.transact(async (tx) => {
        tx.createRun(sampleRun(runId, { state: 'SUCCEEDED', createTime: 1_000, endTime: 1_200, deadlineTime: 1_500 }));
        tx.createStep(sampleStep(runId, '0-plan-0', 1_000));
        tx.putEvents(runId, [{ ...sampleEvent(0, 'hello'), createTime: 1_000 }]);
        tx.putStreamRecords(runId, [{ schemaVersion: 1, runId, seq: 0, type: 'done', data: { state: 'SUCCEEDED' }, createTime: 1_000 }]);
        tx.putConversation({ schemaVersion: 1, runId, eventCount: 1, events: [sampleEvent(0, 'hello')], createTime: 1_000 });
        tx.putOutbox({ schemaVersion: 1, id: uniqueId('out'), topic: 'results', data: { runId }, createTime: 1_000, dueTime: 1_000 });
      });
      await store.claimJoin(runId, 0, '0-tool-0', 1_000);
      await store.claimRunOwner({ schemaVersion: 1, runId, userId: 'ada', agentName: 'inline', input: 'hi', createTime: 1_000 });
      await store.recordRejection({ schemaVersion: 1, id: rejectionId, source: 's', code: 'C', message: 'm', payloadPreview: '', payloadBytes: 0, attributes: {}, createTime: 1_000 });
      expect(await store.deleteExpired(2_199, 100)).toBe(0);
      expect(await store.getRun(runId)).toBeDefined();
      expect(await store.deleteExpired(2_200, 100)).toBe(1);
      expect(await store.getRun(runId)).toBeUndefined();
      expect(await store.listSteps(runId)).toHaveLength(1);
      // Step, event, stream record, checkpoint, outbox entry, join record, owner claim and rejection.
      expect(await store.deleteExpired(2_500, 100)).toBe(8);
      expect(await store.listStream(runId, -1, 10)).toEqual([]);
      expect(await store.listSteps(runId)).toEqual([]);
      expect(await store.listEvents(runId)).toEqual([]);
      expect(await store.getConversation(runId)).toBeUndefined();
      expect(await store.transact((tx) => tx.getJoin(runId, 0))).toBeUndefined();
      expect(await store.getRejection(rejectionId)).toBeUndefined();
      expect(await store.getRunClaim(runId)).toBeUndefined();
    });

    it('keeps the first owner claim of a run, even when claims race, and reads none for an unclaimed run', async () => {
      const store = createStore();
      const runId = uniqueId('r');
      const claim = (userId: string, createTime: number) => ({ schemaVersion: 1 as const, runId, userId, agentName: 'agents/a', input: 'hello', sessionId: 's1', createTime });
      const raced = await Promise.all([store.claimRunOwner(claim('ada', 1_000)), store.claimRunOwner(claim('ada', 1_001)), store.claimRunOwner(claim('ada', 1_002))]);
      const first = await store.getRunClaim(runId);
      expect(first).toBeDefined();
      for (const answered of raced) expect(answered).toEqual(first);
      expect(await store.claimRunOwner(claim('bob', 2_000))).toEqual(first);
      expect(await store.getRunClaim(uniqueId('r'))).toBeUndefined();
    });

    it('keeps the first rejection recorded for a message', async () => {
      const store = createStore();
      const id = uniqueId('msg');
      const rejection = {
        schemaVersion: 1 as const,
        id,
        source: 'agentline-tasks',
        code: 'INVALID_ARGUMENT',
        message: 'first',
        payloadPreview: '{oops',
        payloadBytes: 5,
        attributes: {},
        createTime: 1_000,
      };
      await store.recordRejection(rejection);
      await store.recordRejection({ ...rejection, message: 'second' });
      expect(await store.getRejection(id)).toEqual(rejection);
      expect(await store.getRejection(uniqueId('none'))).toBeUndefined();
    });

    it('reports a watched run now and after each change until unsubscribed', async () => {
      const store = createStore();
      const run = sampleRun(uniqueId('r'));
      await store.transact(async (tx) => tx.createRun(run));
      const seen: string[] = [];
      let resolveDone: () => void;
      const done = new Promise<void>((resolve) => (resolveDone = resolve));
      const stop = store.watchRun(run.runId, (current, steps) => {
        seen.push(`${current?.state}/${steps.length}`);
        if (current?.state === 'SUCCEEDED') resolveDone();
      });
      await expect.poll(() => seen.length).toBeGreaterThan(0);
      await store.transact(async (tx) => {
        tx.putRun({ ...run, state: 'SUCCEEDED' });
        tx.createStep(sampleStep(run.runId, '0-plan-0'));
      });
      await done;
      stop();
      expect(seen[0]).toBe('QUEUED/0');
      expect(seen.at(-1)).toBe('SUCCEEDED/1');
    });

    it('reports a watched run document as missing, then as created and changed, and nothing once unsubscribed', async () => {
      const store = createStore();
      const run = sampleRun(uniqueId('r'));
      const seen: string[] = [];
      const stop = store.watchRunDocument(run.runId, (current) => seen.push(current?.state ?? 'missing'));
      await expect.poll(() => seen).toEqual(['missing']);
      await store.transact(async (tx) => tx.createRun(run));
      await expect.poll(() => seen.at(-1)).toBe('QUEUED');
      await store.transact(async (tx) => tx.putRun({ ...run, state: 'RUNNING' }));
      await expect.poll(() => seen.at(-1)).toBe('RUNNING');
      stop();
      const count = seen.length;
      await store.transact(async (tx) => tx.putRun({ ...run, state: 'SUCCEEDED' }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen).toHaveLength(count);
    });
  });
}
