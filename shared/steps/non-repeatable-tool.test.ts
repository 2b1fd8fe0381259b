import { afterEach, describe, expect, it } from 'vitest';
import { TransientError } from '../domain/errors.ts';
import { noFaults, withFaults, type Faults } from '../testing/fault-layer.ts';
import { createLedgerTool, Ledger, type LedgerClient } from '../testing/ledger.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { builtinTools } from '../tools/builtin-tools.ts';
import type { Tool } from '../tools/tool.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

const agent = {
  configYaml: 'name: payer\nmodel: gemini-2.5-flash\ninstruction: Book what you are asked to.\ntools: [book_payment, calculator]\n',
  fileName: 'payer.yaml',
};
const script = () => [
  modelCalls([
    { name: 'book_payment', args: { account: 'acme', amount: 500 } },
    { name: 'book_payment', args: { account: 'zenith', amount: 700 } },
  ]),
  modelText('booked both'),
];

let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

async function runPayments(ledgerTool: Tool, faults: Faults) {
  world = createInMemoryWorld({
    model: new ScriptedModel(script()),
    tools: [...builtinTools, ledgerTool],
    decorate: withFaults(faults),
    settings: { leaseMs: { model: 30, tool: 30 } },
  });
  const run = await world.waitForRun(world.submit({ agent, input: 'pay acme and zenith' }));
  const events = (await world.store.listEvents(run.runId)).map((event) => event.content);
  const steps = await world.store.listSteps(run.runId);
  world.close();
  world = undefined; // closed here, since one test runs two worlds; afterEach must not close it again
  return { run, events, steps };
}

describe('a non-repeatable tool', () => {
  it('books once per call when the process dies after the booking and before the commit', async () => {
    const clean = await runPayments(createLedgerTool(new Ledger()), noFaults());
    const ledger = new Ledger();
    const faulty = await runPayments(createLedgerTool(ledger), { ...noFaults(), crashAfterNextToolCall: true });

    expect([...ledger.countsByKey().values()]).toEqual([1, 1]);
    expect(faulty.run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'booked both' } });
    expect(faulty.events).toEqual(clean.events);
    const retried = faulty.steps.filter((step) => step.kind === 'tool' && step.attempt === 2);
    expect(retried).toHaveLength(1);
    expect(retried[0]!.intent).toMatchObject({ key: `${faulty.run.runId}/${retried[0]!.stepId}`, attempt: 1 });
  });

  it('books twice after the same crash when declared repeatable, which is what the intent record prevents', async () => {
    const ledger = new Ledger();
    const { reconcile: _reconcile, ...tool } = createLedgerTool(ledger);
    await runPayments({ ...tool, repeatable: true }, { ...noFaults(), crashAfterNextToolCall: true });
    expect([...ledger.countsByKey().values()].sort()).toEqual([1, 2]);
  });

  it('books on the retry when the first attempt failed before booking', async () => {
    const ledger = new Ledger();
    let failures = 0;
    const flaky: LedgerClient = {
      book: (key, account, amount) =>
        failures++ === 0 ? Promise.reject(new TransientError('ledger unavailable')) : ledger.book(key, account, amount),
      lookup: (key) => ledger.lookup(key),
    };
    const { run, steps } = await runPayments(createLedgerTool(flaky), noFaults());
    expect(run.state).toBe('SUCCEEDED');
    expect([...ledger.countsByKey().values()]).toEqual([1, 1]);
    expect(steps.filter((step) => step.kind === 'tool').map((step) => step.attempt).sort()).toEqual([1, 2]);
  });

  it('books once per call when every message is delivered twice at the same time', async () => {
    const ledger = new Ledger();
    const { run } = await runPayments(createLedgerTool(ledger), { ...noFaults(), duplicatePublishes: 'concurrent' });
    expect(run.state).toBe('SUCCEEDED');
    expect([...ledger.countsByKey().values()]).toEqual([1, 1]);
  });

  it('leaves no intent record on the steps of repeatable tools', async () => {
    world = createInMemoryWorld({ model: new ScriptedModel([modelCalls([{ name: 'calculator', args: { expression: '1+1' } }]), modelText('2')]) });
    const run = await world.waitForRun(world.submit({ agent: { ...agent, configYaml: agent.configYaml.replace('book_payment, ', '') }, input: 'add' }));
    const tool = (await world.store.listSteps(run.runId)).find((step) => step.kind === 'tool');
    expect(tool).toMatchObject({ state: 'SUCCEEDED' });
    expect(tool!.intent).toBeUndefined();
  });
});
