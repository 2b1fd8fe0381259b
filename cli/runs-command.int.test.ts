import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';
import { until } from '../shared/testing/until.ts';
import { createApiClient, type ApiClient } from './api-client.ts';
import { writeDevStackFile } from './dev-stack-file.ts';

// `agentline runs list|get|watch` (and a refused `run`) as processes, against a test stack they find as a running
// `agentline dev` (its stack file in a fresh HOME), and a stack stopped under a running `watch`.
const project = fileURLToPath(new URL('..', import.meta.url));
const agentline = join(project, 'bin/agentline.js');
const agent = { configYaml: 'name: echo_agent\ninstruction: Answer briefly.\n', fileName: 'echo.yaml' };
const session = `cli${process.pid}${Date.now()}`;
let stack: LocalStack;
let gemini: GeminiWireServer;
let api: ApiClient;
let home: string;

beforeAll(async () => {
  [gemini, home] = await Promise.all([startGeminiWireServer(), mkdtemp(join(tmpdir(), 'agentline-home-'))]);
  stack = await startTestStack('runs-cli', { env: geminiWireTestEnv(gemini.url) });
  const { projectId, pubsubHost, firestoreHost, functionsUrl } = stack;
  // This test's process stands in for the dev stack's: alive as long as the stack.
  await writeDevStackFile({ pid: process.pid, projectId, pubsubHost, firestoreHost, functionsUrl }, join(home, '.agentline', 'dev-stack.json'));
  api = createApiClient(stack.functionsUrl, await mintLocalToken(stack.localAuthSecret, { userId: 'ada' }));
});

afterAll(() => Promise.all([stack?.stop(), gemini?.close(), home && rm(home, { recursive: true, force: true })]));

/** Starts `agentline <args>` as ada; `exited` resolves with its status and output. */
function startCli(args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_') && !name.startsWith('FIRESTORE_') && !name.startsWith('PUBSUB_')));
  const child = spawn(process.execPath, [agentline, ...args, '--user', 'ada'], {
    cwd: project,
    env: { ...env, HOME: home, AGENTLINE_LOCAL_AUTH_SECRET: stack.localAuthSecret, AGENTLINE_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => child.once('exit', (status) => resolve({ status, ...output })));
  return { output, exited };
}

const runCli = (args: string[]) => startCli(args).exited;

/** Creates a run as ada: hers to watch and get from that moment. */
async function createRun(input: string): Promise<string> {
  const created = await api.call('POST', 'runs', { query: { requestId: `${input}-${session}` }, body: { agent, input, sessionId: session } });
  return String(created['name']);
}

describe('agentline runs list|get|watch against a running stack', () => {
  it('watches a run to its end with progress, then lists it and gets it', async () => {
    let answer = () => {};
    gemini.script([{ ...textReply('four'), until: new Promise<void>((resolve) => (answer = resolve)) }]);
    const name = await createRun('two-plus-two');
    const watch = startCli(['runs', 'watch', name]);
    await until(() => watch.output.stderr.includes(`watching ${name}`), 30_000);
    answer();
    const watched = await watch.exited;
    expect(watched.status, watched.stderr).toBe(0);
    expect(watched.stdout).toBe('four\n');
    expect(watched.stderr).toMatch(/0-model-0\s+model\s+SUCCEEDED/);
    expect(watched.stderr).toContain(`run ${name.slice('runs/'.length)} SUCCEEDED: 1 model requests`);

    const listed = await runCli(['runs', 'list', '--filter', `session_id = "${session}"`]);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${name}  SUCCEEDED  \\S+  echo_agent\\n$`));

    const got = await runCli(['runs', 'get', name]);
    expect(got.status, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ name, state: 'SUCCEEDED', userId: 'ada', output: { text: 'four' } });
  });

  it('refuses a run ada may not see, naming where to look, and a bad filter before reaching the stack', async () => {
    const hidden = await runCli(['runs', 'get', 'runs/r000000000000000000000000']);
    expect(hidden.status).toBe(1);
    expect(hidden.stderr).toBe('agentline: PERMISSION_DENIED (HTTP 403): Permission denied on run runs/r000000000000000000000000 (or it may not exist); agentline runs list shows your runs\n');
    const badFilter = await runCli(['runs', 'list', '--filter', 'colour = "red"']);
    expect(badFilter.status).toBe(2);
    expect(badFilter.stderr).toMatch(/^agentline: --filter: /);
  });

  it('reports a run the API refuses (a 1.2 MB agent: 413) at once with its reason, starting nothing', async () => {
    const path = join(home, 'big-agent.yaml');
    await writeFile(path, `name: big_agent\ninstruction: "${'x'.repeat(1_200_000)}"\n`);
    const refused = await runCli(['run', path, '--input', 'hi']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('submission refused: INVALID_ARGUMENT (HTTP 413): The request body is larger than 1048576 bytes without its files (nothing was started; agentline runs list shows your runs)\n');
  });

  it('runs through the API to a failure, whose error line names the command that shows more', async () => {
    const missing = 'projects/p/locations/global/collections/default_collection/engines/e/agents/missing';
    const failed = await runCli(['run', missing, '--input', 'hi']);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/created through the runs API at http:\/\/127\.0\.0\.1:\d+ as user ada/);
    expect(failed.stderr).toMatch(/\nerror PERMISSION_DENIED: .* \(agentline runs get runs\/r[0-9a-f]+ shows more\)\n/);
  });

  // Last: it stops the stack.
  it('names a stack stopped under a running watch as gone, with the command that shows the run', async () => {
    let answer = () => {};
    gemini.script([{ ...textReply('too late'), until: new Promise<void>((resolve) => (answer = resolve)) }]);
    try {
      const name = await createRun('stopped-under-watch');
      const watch = startCli(['runs', 'watch', name]);
      await until(() => watch.output.stderr.includes(`watching ${name}`), 30_000);
      await stack.stop();
      const watched = await watch.exited;
      expect(watched.status).toBe(1);
      expect(watched.stderr).toContain(`agentline: the local stack at ${stack.functionsUrl} is gone (its agentline dev stopped?); agentline runs get ${name} shows more\n`);
      expect(watched.stderr).not.toMatch(/\n\s+at /);
    } finally {
      answer();
    }
  });
});
