import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { afterAll, beforeAll } from 'vitest';
import { TaskState, type AgentCard, type Message, type TaskStatus } from '@a2a-js/sdk';
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore, type AgentExecutor } from '@a2a-js/sdk/server';
import { UserBuilder, agentCardHandler, jsonRpcHandler } from '@a2a-js/sdk/server/express';

export interface A2aTestServerOptions {
  name?: string;
  description?: string;
  /** The answer to a message; `echo: <text>` by default. */
  answer?: (text: string) => string;
  /** How long a message starting with `slow` stays `working`. */
  slowMs?: number;
}

/**
 * A real A2A agent served by `@a2a-js/sdk`'s server over JSON-RPC (v1.0, and v0.3 through the
 * SDK's compat layer), for tests. What it does depends on the message text:
 * `plain…` answers with a message and no task; `fail…` ends the task `failed`; `ask…` ends it
 * `input-required`; `slow…` stays `working` for `slowMs` first; anything else goes
 * submitted → working → an artifact with the answer → completed.
 */
export async function startA2aTestServer(options: A2aTestServerOptions = {}) {
  const received: { messageId: string; contextId: string; text: string }[] = [];
  const answer = options.answer ?? ((text: string) => `echo: ${text}`);
  let url = '';
  const card = (): AgentCard => ({
    name: options.name ?? 'Echo Agent',
    description: options.description ?? 'Repeats what it is told.',
    // The 0.3 entry makes the server accept v0.3 clients (the SDK checks requests against the card).
    supportedInterfaces: [
      { url: `${url}/a2a/jsonrpc`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' },
      { url: `${url}/a2a/jsonrpc`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '0.3' },
    ],
    provider: undefined,
    version: '1.0.0',
    capabilities: { streaming: false, pushNotifications: false, extensions: [] },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [{ id: 'echo', name: 'Echo', description: 'Echoes', tags: ['echo'], examples: [], inputModes: [], outputModes: [], securityRequirements: [] }],
    signatures: [],
  });

  const executor: AgentExecutor = {
    async execute(context, bus) {
      const { taskId, contextId } = context;
      const text = textOf(context.userMessage);
      received.push({ messageId: context.userMessage.messageId, contextId, text });
      if (text.startsWith('plain')) {
        bus.publish(AgentEvent.message(agentMessage(contextId, '', answer(text))));
        return bus.finished();
      }
      const status = (state: TaskState, said?: string): TaskStatus => ({
        state,
        message: said === undefined ? undefined : agentMessage(contextId, taskId, said),
        timestamp: new Date().toISOString(),
      });
      const update = (state: TaskState, said?: string) =>
        bus.publish(AgentEvent.statusUpdate({ taskId, contextId, status: status(state, said), metadata: undefined }));
      bus.publish(AgentEvent.task({ id: taskId, contextId, status: status(TaskState.TASK_STATE_SUBMITTED), artifacts: [], history: [context.userMessage], metadata: undefined }));
      update(TaskState.TASK_STATE_WORKING);
      if (text.startsWith('slow')) await sleep(options.slowMs ?? 300);
      if (text.startsWith('fail')) update(TaskState.TASK_STATE_FAILED, 'The remote agent broke');
      else if (text.startsWith('ask')) update(TaskState.TASK_STATE_INPUT_REQUIRED, 'Which city do you mean?');
      else {
        bus.publish(
          AgentEvent.artifactUpdate({
            taskId,
            contextId,
            artifact: { artifactId: 'answer', name: 'answer', description: '', parts: [textPart(answer(text))], metadata: undefined, extensions: [] },
            append: false,
            lastChunk: true,
            metadata: undefined,
          }),
        );
        update(TaskState.TASK_STATE_COMPLETED);
      }
      bus.finished();
    },
    async cancelTask() {},
  };

  const requestHandler = new DefaultRequestHandler(card(), new InMemoryTaskStore(), executor);
  const app = express();
  app.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: async () => card() }));
  app.use('/a2a/jsonrpc', jsonRpcHandler({ requestHandler, userBuilder: UserBuilder.noAuthentication, legacyCompat: { enabled: true } }));
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The handler read the card at construction, before the port was known.
  (requestHandler as unknown as { agentCard: AgentCard }).agentCard = card();

  return {
    url,
    cardUrl: `${url}/.well-known/agent-card.json`,
    /** Messages received, in order, with the context each ran in (the client's, else a new one). */
    received,
    /** The card as JSON, v1.0 shape (what `fetchAgentCard` stores). */
    cardJson: () => JSON.parse(JSON.stringify(card())) as Record<string, unknown>,
    /** The same agent described by a v0.3 card (the SDK's compat layer serves both). */
    v03CardJson: (): Record<string, unknown> => ({
      protocolVersion: '0.3.0',
      name: card().name,
      description: card().description,
      url: `${url}/a2a/jsonrpc`,
      preferredTransport: 'JSONRPC',
      version: '1.0.0',
      capabilities: {},
      defaultInputModes: ['text/plain'],
      defaultOutputModes: ['text/plain'],
      skills: [{ id: 'echo', name: 'Echo', description: 'Echoes', tags: ['echo'] }],
    }),
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
export type A2aTestServer = Awaited<ReturnType<typeof startA2aTestServer>>;

/** One A2A test server for a whole test file (started before its tests, closed after them). */
export function useA2aTestServer(options: A2aTestServerOptions = {}): () => A2aTestServer {
  let server: A2aTestServer | undefined;
  beforeAll(async () => {
    server = await startA2aTestServer(options);
  });
  afterAll(() => server?.close());
  return () => {
    if (!server) throw new Error('The A2A test server is not running (use it inside a test)');
    return server;
  };
}

function textPart(value: string): Message['parts'][number] {
  return { content: { $case: 'text', value }, metadata: undefined, filename: '', mediaType: 'text/plain' };
}

let agentMessageCount = 0;

function agentMessage(contextId: string, taskId: string, text: string): Message {
  return { messageId: `agent-${(agentMessageCount += 1)}`, contextId, taskId, role: 2, parts: [textPart(text)], metadata: undefined, extensions: [], referenceTaskIds: [] };
}

function textOf(message: Message): string {
  return message.parts.map((part) => (part.content?.$case === 'text' ? part.content.value : '')).join('');
}
