import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../shared/local-stack/process-group.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { functionCallReply, textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { startMcpHttpServer, type McpHttpTestServer } from '../shared/testing/mcp-test-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { tempFolder } from '../shared/testing/temp-folder.ts';
import { startTestStack, geminiWireTestEnv } from '../shared/testing/test-stack.ts';
import { until } from '../shared/testing/until.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';

// MCP toolsets on the local stack (the Firestore and Pub/Sub emulators, the real Gemini client
// against a wire server): a server built with the SDK over streamable HTTP, restarted between two
// calls of one run, and one over stdio whose processes the steps start and always stop.
let stack: LocalStack;
let gemini: GeminiWireServer;
let server: McpHttpTestServer;
let restartBeforeNextRequest = false;

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  server = await startMcpHttpServer();
  stack = await startTestStack('mcp', {
    env: geminiWireTestEnv(gemini.url),
    // The server is restarted when the test says, just before the next request reaches it.
    decorate: (deps) => ({
      ...deps,
      mcp: {
        ...deps.mcp!,
        fetch: async (input, init) => {
          if (restartBeforeNextRequest) {
            restartBeforeNextRequest = false;
            await server.restart();
          }
          return deps.mcp!.fetch(input, init);
        },
      },
    }),
  });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
  await server?.close();
});

const submit = (configYaml: string) => submitToStack(stack, { schemaVersion: 1, agent: { configYaml, fileName: 'notes.yaml' }, input: 'go', userId: 'ada', idempotencyKey: `mcp-${Date.now()}-${Math.random()}` });

describe('MCP toolsets on the local stack', () => {
  it('calls a streamable HTTP server restarted between two calls of one run, each call its own session', async () => {
    gemini.script([functionCallReply([{ name: 'add_note', args: { text: 'first' } }]), functionCallReply([{ name: 'add_note', args: { text: 'second' } }]), textReply('both noted')]);
    const configYaml = `name: notes\nmodel: gemini-2.5-flash\ninstruction: Note.\ntools:\n  - name: MCPToolset\n    args:\n      streamable_http_connection_params: {url: "${server.url}"}\n      tool_filter: [add_note]\n`;
    const runId = await submit(configYaml);
    await until(() => server.state.notes.length === 1, 30_000);
    restartBeforeNextRequest = true;
    const run = await waitForTerminalRun(stack.deps.store, runId, 60_000);

    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'both noted' } });
    expect(restartBeforeNextRequest).toBe(false);
    expect(server.state.notes).toEqual(['first', 'second']);
    expect(gemini.requests[2]!.body.contents.at(-1)!.parts[0]!.functionResponse!.response).toEqual({ output: { text: 'noted #2', structured: { count: 2 } } });
    gemini.assertAllRepliesUsed();
  });

  it('starts a stdio server for the listing and each call and leaves none running after the run', async () => {
    gemini.requests.length = 0;
    const pidFile = join(await tempFolder('agentline-mcp'), 'pids');
    const script = fileURLToPath(new URL('../shared/testing/mcp-stdio-test-server.ts', import.meta.url));
    gemini.script([functionCallReply([{ name: 'get_forecast', args: { city: 'Lima' } }]), textReply('sunny')]);
    const configYaml = `name: weather\nmodel: gemini-2.5-flash\ninstruction: Forecast.\ntools:\n  - name: MCPToolset\n    args:\n      stdio_server_params: {command: "${process.execPath}", args: ["${script}"], env: {MCP_PID_FILE: "${pidFile}"}}\n`;
    const run = await waitForTerminalRun(stack.deps.store, await submit(configYaml), 60_000);

    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'sunny' } });
    expect(gemini.requests[1]!.body.contents.at(-1)!.parts[0]!.functionResponse!.response).toEqual({ output: { text: 'Sunny in Lima' } });
    const pids = (await readFile(pidFile, 'utf8')).trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    await until(() => !pids.some(isProcessAlive), 10_000);
    gemini.assertAllRepliesUsed();
  });
});
