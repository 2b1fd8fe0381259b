import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Run } from '../shared/domain/run.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { functionCallReply, textReply, type Reply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { startTestStack, geminiWireTestEnv } from '../shared/testing/test-stack.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';
import type { Tool } from '../shared/tools/tool.ts';

// Payloads past what one Firestore document holds, on the emulator (which enforces the 1 MiB
// limit as Firestore does): a tool result saved as a file of the run, a conversation kept in its
// event documents.
let stack: LocalStack;
let gemini: GeminiWireServer;

/** `part` repeated `bytes` times: a result as large as asked. */
const large: Tool<{ part: string; bytes: number }> = {
  name: 'large',
  description: 'Answers a result of the size asked.',
  inputSchema: z.object({ part: z.string().length(1), bytes: z.number().int().positive() }),
  repeatable: true,
  execute: async ({ part, bytes }) => part.repeat(bytes),
};

const agentYaml = 'name: reader\nmodel: gemini-2.5-flash\ninstruction: Read what the tool answers.\ntools: [large]\n';

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('large', { env: geminiWireTestEnv(gemini.url), decorate: (deps) => ({ ...deps, tools: [...deps.tools, large as Tool] }) });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

async function runReader(replies: Reply[]): Promise<Run> {
  gemini.requests.length = 0;
  gemini.script(replies);
  const runId = await submitToStack(stack, { schemaVersion: 1, agent: { configYaml: agentYaml, fileName: 'reader.yaml' }, input: 'read', userId: 'ada', idempotencyKey: `${Date.now()}-${Math.random()}` });
  return waitForTerminalRun(stack.deps.store, runId, 60_000);
}

describe('payloads past one Firestore document, on the emulator', () => {
  it('saves a 5 MB tool result as a file of the run and gives the model its name, size and a preview', async () => {
    const run = await runReader([functionCallReply([{ name: 'large', args: { part: 'x', bytes: 5_000_000 } }]), textReply('read')]);
    expect(run.state).toBe('SUCCEEDED');
    const response = gemini.requests[1]!.body.contents.at(-1)!.parts[0]!.functionResponse!.response as Record<string, any>;
    const name = `tool-results/${run.runId}/0-tool-0.json`;
    expect(response).toMatchObject({ result_file: { name, version: 0, bytes: 5_000_013, content_type: 'application/json' }, preview: expect.stringMatching(/^\{"output":"x{1000}/) });
    expect(response['note']).toContain(`Pass "${name}" in execute_code's input_files`);
    const saved = await stack.deps.artifacts!.load({ userId: 'ada', runId: run.runId }, name);
    expect(JSON.parse(saved!.data.toString('utf8'))).toEqual({ output: 'x'.repeat(5_000_000) });
  });

  it('keeps a 3 MB conversation in its event documents: the run goes on, and every request has all of it', async () => {
    const parts = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const run = await runReader([...parts.map((part) => functionCallReply([{ name: 'large', args: { part, bytes: 390_000 } }])), textReply('read all')]);
    expect(run).toMatchObject({ state: 'SUCCEEDED', output: { text: 'read all' } });
    const last = gemini.requests.at(-1)!.body.contents;
    expect(JSON.stringify(last).length).toBeGreaterThan(3_000_000);
    const firstLetters = last.flatMap((content) => content.parts.flatMap((part) => (part.functionResponse ? [String((part.functionResponse.response as { output: string }).output)[0]] : [])));
    expect(firstLetters).toEqual(parts);
    expect(await stack.deps.store.getConversation(run.runId)).toMatchObject({ inEvents: true, eventCount: run.eventCount });
  });
});
