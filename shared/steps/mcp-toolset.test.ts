import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryAgentRegistry } from '../adapters/in-memory/in-memory-agent-registry.ts';
import { InMemoryToolCredentials } from '../adapters/in-memory/in-memory-tool-credentials.ts';
import { isProcessAlive } from '../local-stack/process-group.ts';
import { silentLogger } from '../ports/logger.ts';
import { createDeployHandler } from '../agents-api/handle-deploy.ts';
import { sampleAgentRecord, sampleOperation } from '../testing/agent-fixtures.ts';
import { startMcpHttpServer, type McpHttpTestServer } from '../testing/mcp-test-server.ts';
import { ScriptedModel, modelCalls, modelText } from '../testing/scripted-model.ts';
import { tempFolder } from '../testing/temp-folder.ts';
import { until } from '../testing/until.ts';
import { executeToolCall } from '../tools/execute-tool-call.ts';
import { createMcpCaller, mcpToolsOf } from '../tools/mcp/mcp-tools.ts';
import type { ImmediateTool } from '../tools/tool.ts';
import { createInMemoryWorld } from '../wiring/create-in-memory-world.ts';

let world: ReturnType<typeof createInMemoryWorld> | undefined;
let server: McpHttpTestServer | undefined;
afterEach(async () => {
  world?.close();
  world = undefined;
  await server?.close();
  server = undefined;
});

const httpAgent = (url: string, extra = '') => `name: notes\ninstruction: Keep notes.\ntools:\n  - name: MCPToolset\n    args:\n      streamable_http_connection_params: {url: "${url}"}\n${extra}`;

/** The function responses of the model's last request, in order. */
function responses(model: ScriptedModel): unknown[] {
  return model.requests.at(-1)!.contents.flatMap((content) => content.parts.flatMap((part) => (part.functionResponse ? [part.functionResponse.response] : [])));
}

describe('an MCP toolset over streamable HTTP', () => {
  it('lists the tools when the run starts, calls them, and reaches a server restarted between two calls of the run', async () => {
    server = await startMcpHttpServer();
    const restarting = server;
    let restartBeforeNextRequest = false;
    const model = new ScriptedModel([
      modelCalls([{ name: 'add_note', args: { text: 'buy milk' } }]),
      () => {
        restartBeforeNextRequest = true;
        return modelCalls([{ name: 'get_forecast', args: { city: 'Oslo' } }, { name: 'refuse', args: {} }]);
      },
      modelText('done'),
    ]);
    // The server is restarted after the first call, before the second turn's calls reach it.
    const restartingFetch = (mcpFetch: typeof fetch): typeof fetch => async (input, init) => {
      if (restartBeforeNextRequest) {
        restartBeforeNextRequest = false;
        await restarting.restart();
      }
      return mcpFetch(input, init);
    };
    world = createInMemoryWorld({ model, decorate: (deps) => ({ ...deps, mcp: { ...deps.mcp!, fetch: restartingFetch(deps.mcp!.fetch) } }) });
    const run = await world.waitForRun(world.submit({ agent: { configYaml: httpAgent(server.url) }, input: 'note and check' }));

    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'done' } });
    expect(restartBeforeNextRequest).toBe(false); // the restart happened
    expect(run.agent?.mcpTools?.map((tool) => [tool.toolName, tool.annotations])).toEqual([
      ['get_forecast', { readOnlyHint: true }],
      ['add_note', {}],
      ['refuse', {}],
    ]);
    expect(model.requests[0]!.functionDeclarations.find((declaration) => declaration.name === 'get_forecast')!.parametersJsonSchema).toMatchObject({ type: 'object', properties: { city: { type: 'string', description: 'The city' } }, required: ['city'] });
    expect(server.state.notes).toEqual(['buy milk']);
    expect(server.state.forecasts).toEqual(['Oslo']);
    expect(responses(model)).toEqual([
      { output: { text: 'noted #1', structured: { count: 1 } } },
      { output: { text: 'Sunny in Oslo' } },
      { error: 'MCP tool refuse answered an error: not today' },
    ]);
    model.assertAllUsed();
  });

  it('calls a tool with no hints once: an attempt that may have reached the server is reported, not sent again', async () => {
    server = await startMcpHttpServer();
    world = createInMemoryWorld({ model: new ScriptedModel([modelText('unused')]) });
    const run = await world.waitForRun(world.submit({ agent: { configYaml: httpAgent(server.url) }, input: 'x' }));
    const tools = mcpToolsOf(run, createMcpCaller(world.deps.mcp!)) as ImmediateTool[];
    const addNote = tools.find((tool) => tool.name === 'add_note')!;
    const forecast = tools.find((tool) => tool.name === 'get_forecast')!;
    expect([addNote.repeatable, forecast.repeatable]).toEqual([false, true]);
    const context = { runId: run.runId, stepId: '1-tool-0', attempt: 2, idempotencyKey: `${run.runId}/1-tool-0`, deadline: Date.now() + 30_000, now: () => Date.now() };
    expect(await executeToolCall(addNote, { text: 'twice?' }, context, true)).toEqual({
      error: 'An earlier attempt of this call to MCP tool add_note may have reached the server; whether it took effect is unknown, so it is not called again',
    });
    expect(server.state.notes).toEqual([]);
    // A read-only tool is simply called again.
    expect(await executeToolCall(forecast, { city: 'Bergen' }, context, true)).toEqual({ output: { text: 'Sunny in Bergen' } });
  });

  it('never sends a call once its attempt\'s lease is (nearly) over, and says it was not called', async () => {
    server = await startMcpHttpServer();
    const caller = createMcpCaller({ fetch, credentials: new InMemoryToolCredentials(), allowStdio: false });
    const tool = { toolName: 'add_note', serverToolName: 'add_note', description: '', parametersJsonSchema: { type: 'object' }, annotations: {}, connection: { transport: 'streamable_http' as const, url: server.url } };
    const context = { runId: 'r', stepId: '1-tool-0', attempt: 1, idempotencyKey: 'r/1-tool-0', deadline: Date.now() + 500, now: () => Date.now() };
    await expect(caller.call(tool, { text: 'late' }, context)).rejects.toThrow("MCP tool add_note was not called: the attempt's lease ended while its session opened");
    expect(server.state.notes).toEqual([]);
  });

  it('refuses a server on a private address when the run starts, naming it', async () => {
    world = createInMemoryWorld({ model: new ScriptedModel([]) });
    const run = await world.waitForRun(world.submit({ agent: { configYaml: httpAgent('http://169.254.169.254/mcp') }, input: 'x' }));
    expect(run).toMatchObject({ state: 'FAILED', error: { message: expect.stringMatching(/tools\[0\] \(MCPToolset http:\/\/169\.254\.169\.254\/mcp\): could not list its tools: .*169\.254\.169\.254/) } });
  });
});

describe('an MCP toolset over stdio', () => {
  it('starts the server for the listing and for each call, and leaves no process behind', async () => {
    const pidFile = join(await tempFolder('agentline-mcp'), 'pids');
    const script = fileURLToPath(new URL('../testing/mcp-stdio-test-server.ts', import.meta.url));
    const configYaml = `name: notes\ninstruction: Keep notes.\ntools:\n  - name: MCPToolset\n    args:\n      stdio_server_params: {command: "${process.execPath}", args: ["${script}"], env: {MCP_PID_FILE: "${pidFile}"}}\n      tool_filter: [add_note, get_forecast]\n      tool_name_prefix: nb\n`;
    const model = new ScriptedModel([modelCalls([{ name: 'nb_add_note', args: { text: 'a' } }, { name: 'nb_get_forecast', args: { city: 'Rome' } }]), modelText('ok')]);
    world = createInMemoryWorld({ model });
    const run = await world.waitForRun(world.submit({ agent: { configYaml }, input: 'x' }));

    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'ok' } });
    expect(model.requests[0]!.functionDeclarations.map((declaration) => declaration.name)).toEqual(['nb_add_note', 'nb_get_forecast']);
    expect(responses(model)).toEqual([{ output: { text: 'noted #1', structured: { count: 1 } } }, { output: { text: 'Sunny in Rome' } }]);
    const pids = (await readFile(pidFile, 'utf8')).trim().split('\n').map(Number);
    expect(pids).toHaveLength(3); // the listing, and one process per call
    await until(() => !pids.some(isProcessAlive), 10_000);
  });

  it('stops what a wrapper started beside the server (sh -c) when the session ends', async () => {
    const pidFile = join(await tempFolder('agentline-mcp'), 'pids');
    const script = fileURLToPath(new URL('../testing/mcp-stdio-test-server.ts', import.meta.url));
    // The shell starts a helper in the background, then becomes the server: the helper is the server's child.
    const wrapper = `sleep 300 & echo $! > ${pidFile}.helper; exec "${process.execPath}" "${script}"`;
    const caller = createMcpCaller({ fetch, credentials: new InMemoryToolCredentials(), allowStdio: true });
    const tool = { toolName: 'f', serverToolName: 'get_forecast', description: '', parametersJsonSchema: { type: 'object' }, annotations: { readOnlyHint: true }, connection: { transport: 'stdio' as const, command: 'sh', args: ['-c', wrapper], env: { MCP_PID_FILE: pidFile } } };
    const context = { runId: 'r', stepId: '1-tool-0', attempt: 1, idempotencyKey: 'r/1-tool-0', deadline: Date.now() + 30_000, now: () => Date.now() };
    expect(await caller.call(tool, { city: 'Oslo' }, context)).toEqual({ text: 'Sunny in Oslo' });
    const helper = Number((await readFile(`${pidFile}.helper`, 'utf8')).trim());
    await until(() => !isProcessAlive(helper), 5_000);
  });

  it('refuses a stdio server where the deployment may not start processes', async () => {
    const caller = createMcpCaller({ fetch, credentials: new InMemoryToolCredentials(), allowStdio: false });
    const tool = { toolName: 't', serverToolName: 't', description: '', parametersJsonSchema: { type: 'object' }, annotations: { readOnlyHint: true }, connection: { transport: 'stdio' as const, command: 'true', args: [] } };
    const context = { runId: 'r', stepId: '1-tool-0', attempt: 1, idempotencyKey: 'r/1-tool-0', deadline: Date.now() + 5_000, now: () => Date.now() };
    await expect(caller.call(tool, {}, context)).rejects.toThrow('MCP stdio servers (true) run only on the local stack; deployed, give streamable_http_connection_params');
  });
});

describe('deploying an agent with an MCP toolset', () => {
  const authorization = 'projects/p1/locations/global/authorizations/notes';

  it('lists the tools once, with the credential, and runs that snapshot after the server changed its tools', async () => {
    server = await startMcpHttpServer();
    const model = new ScriptedModel([modelCalls([{ name: 'add_note', args: { text: 'x' } }]), modelText('ok')]);
    world = createInMemoryWorld({ model, toolCredentials: new InMemoryToolCredentials({ [authorization]: 'notes-token' }) });
    world.agents.grantAuthorization('ada', authorization);
    const registry = new InMemoryAgentRegistry(world.documents);
    const configYaml = httpAgent(server.url, `      tool_filter: [add_note]\n      auth: {authorization: ${authorization}, scheme: bearer}\n`);
    const record = sampleAgentRecord('notes', {
      state: 'DEPLOYING',
      definition: { kind: 'adk', configYaml },
      fields: { displayName: 'Notes', description: 'd', adkAgentDefinition: { agentConfig: configYaml }, authorizationConfig: { toolAuthorizations: [authorization] } },
    });
    const operation = sampleOperation(`${record.name}/operations/deploy-1`, { target: record.name });
    await registry.transact(async (tx) => {
      tx.createAgent({ ...record, deployOperation: operation.name });
      tx.putOperation(operation);
    });
    const deploy = createDeployHandler({
      registry,
      agents: world.agents,
      clock: { now: () => Date.now() },
      logger: silentLogger,
      queue: world.queue,
      outbox: world.outbox,
      availableTools: ['calculator'],
      fetchAgentCard: () => Promise.reject(new Error('no cards here')),
      mcp: world.deps.mcp!,
    });
    await deploy({ messageId: 'm1', data: Buffer.from(JSON.stringify({ schemaVersion: 1, operation: operation.name })), attributes: {}, source: 'agentline-agent-deploys' });
    const deployed = (await registry.getAgentRecord(record.name))!;
    expect(deployed).toMatchObject({ state: 'ENABLED', definition: { kind: 'adk', mcpTools: [{ toolName: 'add_note', auth: { authorization, scheme: 'bearer' } }] } });

    await server.restart(true);
    const run = await world.waitForRun(world.submit({ agent: { name: deployed.name }, input: 'note', userId: 'ada' }));
    expect(run.state).toBe('SUCCEEDED');
    expect(model.requests[0]!.functionDeclarations.map((declaration) => declaration.name)).toEqual(['add_note']);
    expect(server.state.notes).toEqual(['x']);
    expect(new Set(server.state.authorizations)).toEqual(new Set(['Bearer notes-token']));
    // The secret never reaches the model.
    expect(JSON.stringify(model.requests)).not.toContain('notes-token');
  });
});
