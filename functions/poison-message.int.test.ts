import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { topology, type Topology } from '../infra/topology.ts';
import type { Submission } from '../shared/domain/submission.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import { functionCallReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';
import type { Tool } from '../shared/tools/tool.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';

// Pub/Sub's smallest dead-letter attempt count and a 1 s backoff, so a poison message reaches the
// dead-letter topic in seconds; the deployed topology allows 20 attempts.
const maxDeliveryAttempts = 5;
const quickTopology: Topology = {
  ...topology,
  subscriptions: topology.subscriptions.map((subscription) => ({
    ...subscription,
    retryPolicy: { minimumBackoffSeconds: 1, maximumBackoffSeconds: 1 },
    deadLetterPolicy: subscription.deadLetterPolicy && { ...subscription.deadLetterPolicy, maxDeliveryAttempts },
  })),
};

// A tool with a bug: every delivery of its step fails with an error the pipeline does not
// recognise, which it hands to Pub/Sub to redeliver. (A tool that fails transiently is not a
// poison message: after AGENTLINE_MAX_TOOL_ATTEMPTS the model gets a tool error instead.)
let toolDeliveries = 0;
const brokenTool: Tool = {
  name: 'inventory_lookup',
  description: 'Looks up stock levels.',
  inputSchema: z.object({ sku: z.string() }),
  repeatable: true,
  execute: async () => {
    toolDeliveries++;
    throw new TypeError("Cannot read properties of undefined (reading 'stock')");
  },
};

let stack: LocalStack;
let gemini: GeminiWireServer;

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('poison', {
    env: geminiWireTestEnv(gemini.url),
    decorate: (deps) => ({ ...deps, tools: [...deps.tools, brokenTool] }),
    topology: quickTopology,
  });
});

afterAll(async () => {
  await stack?.stop();
  await gemini?.close();
});

describe('a poison message on the emulators', () => {
  it('goes to the dead-letter topic after its delivery attempts, and its run fails with the reason', async () => {
    gemini.script([functionCallReply([{ name: 'inventory_lookup', args: { sku: 'A-1' } }])]);
    const submission: Submission = {
      schemaVersion: 1,
      agent: { configYaml: 'name: stock_agent\nmodel: gemini-2.5-flash\ninstruction: Look stock up.\ntools: [inventory_lookup]\n', fileName: 'stock.yaml' },
      input: 'How many A-1 are left?',
      idempotencyKey: `poison-${Date.now()}`,
    };
    const run = await waitForTerminalRun(stack.deps.store, await submitToStack(stack, submission), 90_000);

    expect(run).toMatchObject({
      state: 'FAILED',
      error: {
        code: 'DEAD_LETTERED',
        message:
          'Step 0-tool-0 (tool) could not be processed and was dead-lettered after repeated delivery failures; ' +
          "last error: Cannot read properties of undefined (reading 'stock')",
      },
    });
    gemini.assertAllRepliesUsed();
    // The emulator counts attempts; the run fails only once they are used up.
    expect(toolDeliveries).toBe(maxDeliveryAttempts);
  });
});
