import { InMemoryAgentCatalog } from '../adapters/in-memory/in-memory-agent-catalog.ts';
import { InMemoryDocuments } from '../adapters/in-memory/in-memory-documents.ts';
import { InMemoryCallbackStore } from '../adapters/in-memory/in-memory-callback-store.ts';
import { InMemoryOutboxStore } from '../adapters/in-memory/in-memory-outbox-store.ts';
import { InMemoryRunStore } from '../adapters/in-memory/in-memory-run-store.ts';
import { parseAgentConfigYaml, agentDefinitionVersion } from '../domain/agent-config.ts';
import type { Run } from '../domain/run.ts';
import { stepMessage, type OutboxMessage, type Step } from '../domain/step.ts';
import type { Delivery } from '../engine/delivery.ts';
import { defaultStepSettings, type Deps, type StepSettings } from '../engine/deps.ts';
import { silentLogger } from '../ports/logger.ts';
import type { ModelClient } from '../ports/model-client.ts';
import type { RemoteAgentClient } from '../ports/remote-agent-client.ts';
import { builtinTools } from '../tools/builtin-tools.ts';
import type { Tool } from '../tools/tool.ts';
import { createStepHandlers } from '../wiring/create-step-handlers.ts';
import { noRemoteAgents } from './no-remote-agents.ts';
import { sampleRun } from './run-fixtures.ts';
import { ScriptedModel } from './scripted-model.ts';
import { testAuthenticator } from './test-tokens.ts';

/** A delayed message the executor asked for. */
export interface Scheduled {
  message: OutboxMessage;
  delayMs: number;
  key: string;
}

export interface ExecutorHarnessOptions {
  model?: ModelClient;
  tools?: readonly Tool[];
  remoteAgents?: RemoteAgentClient;
  settings?: Partial<StepSettings>;
  /** Wraps the dependencies before the handlers are built (to stage an interleaving). */
  decorate?: (deps: Deps) => Deps;
}

/**
 * The real step handlers over in-memory stores, with a clock the test moves and a queue and
 * delay queue that only record: nothing is delivered unless the test delivers it, so a test can
 * stage any interleaving (a duplicate under a live lease, a commit after the run ended).
 */
export function createExecutorHarness(options: ExecutorHarnessOptions = {}) {
  const clock = { time: 1_790_000_000_000, now: () => clock.time };
  const documents = new InMemoryDocuments();
  const published: OutboxMessage[] = [];
  const scheduled: Scheduled[] = [];
  const deps: Deps = {
    store: new InMemoryRunStore(documents),
    outbox: new InMemoryOutboxStore(documents),
    callbacks: new InMemoryCallbackStore(documents),
    queue: { publish: async (messages) => void published.push(...structuredClone(messages)) },
    delayQueue: { schedule: async (message, delayMs, key) => void scheduled.push({ message, delayMs, key }) },
    model: options.model ?? new ScriptedModel([]),
    remoteAgents: options.remoteAgents ?? noRemoteAgents,
    agents: new InMemoryAgentCatalog(documents),
    clock,
    tools: options.tools ?? builtinTools,
    logger: silentLogger,
    settings: { ...defaultStepSettings, ...options.settings },
    authenticator: testAuthenticator(),
  };
  const handlers = createStepHandlers(options.decorate ? options.decorate(deps) : deps);
  let messageIds = 0;
  return {
    deps,
    clock,
    documents,
    published,
    scheduled,
    handlers,
    /** Delivers a step's message to its step function, as a push would. */
    deliver(runId: string, stepId: string): Promise<void> {
      const delivery: Delivery = { messageId: `m${++messageIds}`, data: Buffer.from(JSON.stringify(stepMessage(runId, stepId))), attributes: {}, source: 'test' };
      return handlers.modelStep(delivery);
    },
    /** Stores a run of an inline agent (with `tools`) and its steps as given. */
    async seed(run: Partial<Run> & Pick<Run, 'runId'>, steps: Step[], tools: string[] = ['calculator']): Promise<void> {
      const definition = parseAgentConfigYaml(`name: test_agent\ninstruction: Help.\ntools: [${tools.join(', ')}]\n`, {
        fileName: 'test.yaml',
        availableTools: deps.tools.map((tool) => tool.name),
      });
      const agent = { name: definition.name, version: agentDefinitionVersion(definition), definition };
      await deps.store.transact(async (tx) => {
        tx.createRun(sampleRun(run.runId, { agent, state: 'RUNNING', createTime: clock.time, updateTime: clock.time, ...run }));
        for (const step of steps) tx.createStep(step);
      });
    },
    async step(runId: string, stepId: string): Promise<Step> {
      const [step] = await deps.store.getSteps(runId, [stepId]);
      if (!step) throw new Error(`no step ${stepId}`);
      return step;
    },
  };
}
