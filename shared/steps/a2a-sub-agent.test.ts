import { afterEach, describe, expect, it } from 'vitest';
import type { Part } from '../domain/content.ts';
import { TransientError } from '../domain/errors.ts';
import type { CatalogAgent } from '../ports/agent-catalog.ts';
import type { ModelRequest } from '../ports/model-client.ts';
import { useA2aTestServer } from '../testing/a2a-test-server.ts';
import { ScriptedModel, modelCalls, modelText, type ScriptedReply } from '../testing/scripted-model.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';
import { remoteMessageId } from './remote-agent-turn.ts';

// Issue 3 item 6: an ADK agent lists a registered A2A agent among its sub_agents and the model
// calls it as a tool. The remote is a real @a2a-js/sdk server on this machine.
const agentPath = (id: string) => `projects/p/locations/global/collections/default_collection/engines/e/agents/${id}`;
const echoName = agentPath('echo-bot');

const a2aServer = useA2aTestServer({ slowMs: 300 });
let world: ReturnType<typeof createInMemoryWorld> | undefined;
afterEach(() => world?.close());

const coordinatorYaml = (subAgents: string[] = [echoName]) => `
name: coordinator
instruction: Ask the echo bot when told to.
tools: [calculator]
sub_agents:
${subAgents.map((name) => `  - agent: ${name}`).join('\n')}
`;

function startWorld(replies: ScriptedReply[], settings: Parameters<typeof createInMemoryWorld>[0]['settings'] = {}) {
  const model = new ScriptedModel(replies);
  world = createInMemoryWorld({ model, settings });
  world.agents.put({ name: echoName, state: 'ENABLED', creator: 'ada', definition: { kind: 'a2a', agentCard: a2aServer().cardJson() } });
  return { ...world, model };
}

function submitCoordinator(input: string, subAgents?: string[]) {
  return world!.submit({ agent: { configYaml: coordinatorYaml(subAgents), fileName: 'coordinator.yaml' }, input, userId: 'ada' });
}

/** The function responses the model was sent in its second request. */
const responsesSent = (request: ModelRequest | undefined) =>
  request?.contents.at(-1)?.parts.map((part: Part) => part.functionResponse);

describe('an ADK agent calling a registered A2A sub-agent as a tool', () => {
  it('declares the sub-agent as a function and hands the model the remote answer', async () => {
    const { waitForRun, model, store } = startWorld([
      modelCalls([{ name: 'echo_bot', args: { request: 'hello from the coordinator' }, id: 'call-1' }]),
      modelText('The echo bot said hello back.'),
    ]);
    const run = await waitForRun(submitCoordinator('Say hello through the echo bot'));
    model.assertAllUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2, output: { text: 'The echo bot said hello back.' } });
    expect(run.agent?.subAgents).toEqual([{ name: echoName, toolName: 'echo_bot', remoteAgent: expect.objectContaining({ name: 'Echo Agent' }) }]);

    expect(model.requests[0]!.functionDeclarations).toEqual([
      expect.objectContaining({ name: 'calculator' }),
      {
        name: 'echo_bot',
        description: 'Repeats what it is told.',
        parametersJsonSchema: {
          type: 'object',
          properties: { request: { type: 'string', description: expect.stringContaining('Echo Agent') } },
          required: ['request'],
        },
      },
    ]);
    expect(responsesSent(model.requests[1])).toEqual([{ id: 'call-1', name: 'echo_bot', response: { result: 'echo: hello from the coordinator' } }]);
    expect(a2aServer().received).toContainEqual({ messageId: remoteMessageId(run.runId, '0-tool-0'), contextId: expect.any(String), text: 'hello from the coordinator' });
    const [toolStep] = await store.getSteps(run.runId, ['0-tool-0']);
    expect(toolStep?.state).toBe('SUCCEEDED');
  });

  it('continues one remote conversation across the calls of a run, and starts another in the next run', async () => {
    const script = (run: string) => [
      modelCalls([{ name: 'echo_bot', args: { request: `${run}: my name is Ada` } }]),
      modelCalls([{ name: 'echo_bot', args: { request: `${run}: what is my name?` } }]),
      modelText('Asked twice.'),
    ];
    const { waitForRun, model } = startWorld([...script('first run'), ...script('second run')]);
    const contextOf = (text: string) => a2aServer().received.findLast((message) => message.text === text)?.contextId;
    expect((await waitForRun(submitCoordinator('Ask the echo bot twice'))).state).toBe('SUCCEEDED');
    expect((await waitForRun(submitCoordinator('Ask the echo bot twice again'))).state).toBe('SUCCEEDED');
    model.assertAllUsed();
    const first = contextOf('first run: my name is Ada');
    expect(first).toEqual(expect.stringMatching(/^agentline-/));
    expect(contextOf('first run: what is my name?')).toBe(first);
    expect(contextOf('second run: my name is Ada')).toBe(contextOf('second run: what is my name?'));
    expect(contextOf('second run: my name is Ada')).not.toBe(first);
  });

  it('gives the model a tool error when the remote task fails, and the run goes on', async () => {
    const { waitForRun, model } = startWorld([
      modelCalls([{ name: 'echo_bot', args: { request: 'fail on purpose' } }]),
      modelText('The echo bot could not help.'),
    ]);
    const run = await waitForRun(submitCoordinator('Try the echo bot'));
    model.assertAllUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2 });
    expect(responsesSent(model.requests[1])).toEqual([
      { name: 'echo_bot', response: { error: 'Remote agent Echo Agent failed the task: The remote agent broke' } },
    ]);
  });

  it('gives the model a tool error for a call without a request, without calling the remote', async () => {
    const { waitForRun, model } = startWorld([modelCalls([{ name: 'echo_bot', args: { question: 'hi' } }]), modelText('Sorry.')]);
    const before = a2aServer().received.length;
    await waitForRun(submitCoordinator('Try the echo bot'));
    expect(responsesSent(model.requests[1])).toEqual([
      { name: 'echo_bot', response: { error: expect.stringMatching(/^Invalid arguments for echo_bot: request: /) } },
    ]);
    expect(a2aServer().received).toHaveLength(before);
  });

  it('runs a sub-agent call and a built-in tool call of one turn in parallel, answering in call order', async () => {
    const { waitForRun, model } = startWorld([
      modelCalls([
        { name: 'echo_bot', args: { request: 'ping' } },
        { name: 'calculator', args: { expression: '6 * 7' } },
      ]),
      modelText('ping, and 42.'),
    ]);
    const run = await waitForRun(submitCoordinator('Ping the echo bot and compute 6 * 7'));
    model.assertAllUsed();
    expect(run.state).toBe('SUCCEEDED');
    expect(responsesSent(model.requests[1])).toEqual([
      { name: 'echo_bot', response: { result: 'echo: ping' } },
      { name: 'calculator', response: { output: { result: '42' } } },
    ]);
  });

  it('keeps following a sub-agent task that outlives an attempt, sending the message once', async () => {
    const { waitForRun, model, store } = startWorld(
      [modelCalls([{ name: 'echo_bot', args: { request: 'slow and steady' } }]), modelText('Done.')],
      { remoteAgent: { followMs: 0, recheckDelayMs: 20, maxTaskMs: 60_000 } },
    );
    const run = await waitForRun(submitCoordinator('Ask the slow echo'));
    model.assertAllUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2 });
    expect(responsesSent(model.requests[1])).toEqual([{ name: 'echo_bot', response: { result: 'echo: slow and steady' } }]);
    const [toolStep] = await store.getSteps(run.runId, ['0-tool-0']);
    expect(toolStep?.attempt).toBeGreaterThan(1);
    expect(toolStep?.remoteTask?.taskId).toEqual(expect.any(String));
    expect(a2aServer().received.filter((message) => message.text === 'slow and steady')).toHaveLength(1);
  });

  it('gives the model a tool error when the sub-agent card points at a refused address', async () => {
    const { waitForRun, model, agents } = startWorld([modelCalls([{ name: 'metadata', args: { request: 'hi' } }]), modelText('Could not reach it.')]);
    const card = { ...a2aServer().cardJson(), supportedInterfaces: [{ url: 'http://169.254.169.254/a2a', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }] };
    agents.put({ name: agentPath('metadata'), state: 'ENABLED', creator: 'ada', definition: { kind: 'a2a', agentCard: card } });
    const run = await waitForRun(submitCoordinator('hi', [agentPath('metadata')]));
    expect(run.state).toBe('SUCCEEDED');
    expect(responsesSent(model.requests[1])).toEqual([{ name: 'metadata', response: { error: expect.stringContaining('169.254.169.254') } }]);
  });

  it('redelivers a sub-agent call after a transient failure and answers once it goes through', async () => {
    const model = new ScriptedModel([modelCalls([{ name: 'echo_bot', args: { request: 'try again' } }]), modelText('Got it.')]);
    let failuresLeft = 1;
    world = createInMemoryWorld({
      model,
      decorate: (deps) => ({
        ...deps,
        remoteAgents: {
          send: async (endpoint, message, options) => {
            if (failuresLeft-- > 0) throw new TransientError('A2A server answered 503', { code: 'UNAVAILABLE' });
            return deps.remoteAgents.send(endpoint, message, options);
          },
          follow: (endpoint, taskId, options) => deps.remoteAgents.follow(endpoint, taskId, options),
        },
      }),
    });
    world.agents.put({ name: echoName, state: 'ENABLED', creator: 'ada', definition: { kind: 'a2a', agentCard: a2aServer().cardJson() } });
    const run = await world.waitForRun(submitCoordinator('Ask twice if needed'));
    model.assertAllUsed();
    expect(run).toMatchObject({ state: 'SUCCEEDED', llmCallCount: 2 });
    expect(responsesSent(model.requests[1])).toEqual([{ name: 'echo_bot', response: { result: 'echo: try again' } }]);
    const [toolStep] = await world.store.getSteps(run.runId, ['0-tool-0']);
    expect(toolStep?.attempt).toBe(2);
  });

  it('names a sub-agent whose id is a built-in tool name apart from the tool', async () => {
    const { waitForRun, model, agents } = startWorld([modelText('Nothing to do.')]);
    agents.put({ name: agentPath('calculator'), state: 'ENABLED', creator: 'ada', definition: { kind: 'a2a', agentCard: a2aServer().cardJson() } });
    const run = await waitForRun(submitCoordinator('hi', [agentPath('calculator')]));
    expect(run.state).toBe('SUCCEEDED');
    expect(model.requests[0]!.functionDeclarations.map((declaration) => declaration.name)).toEqual(['calculator', 'calculator_2']);
  });
});

describe('submitting an agent whose sub-agent cannot be called', () => {
  const other = agentPath('other');
  it.each<[string, Partial<CatalogAgent> | undefined, string, string]>([
    ['is missing', undefined, 'PERMISSION_DENIED', `Permission denied to run sub-agent ${other} for user ada (or it may not exist)`],
    ['is someone else’s PRIVATE agent', { state: 'PRIVATE', creator: 'bob' }, 'PERMISSION_DENIED', `Permission denied to run sub-agent ${other} for user ada (or it may not exist)`],
    ['needs an authorization the submitter lacks', { agentAuthorization: 'projects/p/locations/global/authorizations/crm' }, 'PERMISSION_DENIED', `Running sub-agent ${other} requires the authorization projects/p/locations/global/authorizations/crm, which user ada does not hold`],
    ['is DISABLED', { state: 'DISABLED' }, 'AGENT_NOT_RUNNABLE', `Sub-agent ${other} is DISABLED; only ENABLED agents (or PRIVATE ones, by their creator) can run`],
    ['is an ADK agent', { definition: { kind: 'adk', configYaml: 'name: helper\ninstruction: help\n' } }, 'UNIMPLEMENTED', `Sub-agent ${other} is an ADK agent; ADK sub-agents are not supported yet, only registered A2A agents can be sub-agents`],
    ['has a definition agentline cannot run', { definition: { kind: 'unsupported', definitionType: 'managedAgentDefinition' } }, 'INVALID_ARGUMENT', `Sub-agent ${other} has a managedAgentDefinition, which agentline cannot run`],
    ['has a stored card that is not valid', { definition: { kind: 'a2a', agentCard: { name: 'x' } } }, 'INVALID_ARGUMENT', `agent card of sub-agent ${other}: description: required`],
  ])('refuses the run at submission when the sub-agent %s', async (_name, agent, code, message) => {
    const { waitForRun, model, agents } = startWorld([]);
    if (agent) agents.put({ name: other, state: 'ENABLED', creator: 'ada', definition: { kind: 'a2a', agentCard: a2aServer().cardJson() }, ...agent });
    const run = await waitForRun(submitCoordinator('hi', [echoName, other]));
    model.assertAllUsed();
    expect(run.state).toBe('FAILED');
    expect(run.error?.code).toBe(code);
    expect(run.error?.message).toContain(message);
  });

  it('runs a PRIVATE sub-agent for its creator', async () => {
    const { waitForRun, agents } = startWorld([modelText('ok')]);
    agents.put({ name: other, state: 'PRIVATE', creator: 'ada', definition: { kind: 'a2a', agentCard: a2aServer().cardJson() } });
    const run = await waitForRun(submitCoordinator('hi', [other]));
    expect(run).toMatchObject({ state: 'SUCCEEDED', agent: { subAgents: [{ name: other, toolName: 'other' }] } });
  });

  it('resolves the sub-agents of a registered ADK agent as well', async () => {
    const { waitForRun, agents } = startWorld([]);
    const coordinatorName = agentPath('coordinator');
    agents.put({ name: coordinatorName, state: 'ENABLED', creator: 'ada', definition: { kind: 'adk', configYaml: coordinatorYaml([other]) } });
    const run = await waitForRun(world!.submit({ agent: { name: coordinatorName }, input: 'hi', userId: 'ada' }));
    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'PERMISSION_DENIED', message: expect.stringContaining(`sub-agent ${other}`) } });
  });
});
