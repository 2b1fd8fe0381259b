import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentCard } from '@a2a-js/sdk';
import { ClientFactory, JsonRpcTransportFactory, RestTransportFactory, type Client } from '@a2a-js/sdk/client';
import type { A2aEndpoint } from '../../domain/a2a-agent-card.ts';
import type { RemoteAgentClient, RemoteMessage, RemoteTaskSnapshot } from '../../ports/remote-agent-client.ts';
import { fromA2aError } from './from-a2a-error.ts';
import { fromA2aResult } from './from-a2a-result.ts';

const firstPollMs = 50;
const maxPollMs = 2_000;

/**
 * RemoteAgentClient over `@a2a-js/sdk` (JSON-RPC and HTTP+JSON, A2A 1.x and 0.3 through the SDK's
 * compat layer). Every request goes through `guardedFetch`, so endpoints on private or metadata
 * addresses are refused at connect time. A message is sent non-blocking (`returnImmediately`) so
 * the task id is known at once; the task is then polled with tasks/get until it leaves
 * submitted/working or `followMs` runs out.
 */
export class A2aRemoteAgentClient implements RemoteAgentClient {
  private readonly factory: ClientFactory;
  private readonly clients = new Map<string, Promise<Client>>();

  constructor(guardedFetch: typeof fetch) {
    const options = { fetchImpl: guardedFetch, legacyCompat: { enabled: true } };
    this.factory = new ClientFactory({
      transports: [new JsonRpcTransportFactory(options), new RestTransportFactory(options)],
    });
  }

  async send(endpoint: A2aEndpoint, message: RemoteMessage, options: { followMs: number }): Promise<RemoteTaskSnapshot> {
    const deadline = Date.now() + options.followMs;
    try {
      const client = await this.clientFor(endpoint);
      const result = await client.sendMessage({
        tenant: endpoint.tenant ?? '',
        message: {
          messageId: message.messageId,
          contextId: message.contextId,
          taskId: '',
          role: 1, // ROLE_USER
          parts: [{ content: { $case: 'text', value: message.text }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
          metadata: undefined,
          extensions: [],
          referenceTaskIds: [],
        },
        configuration: {
          acceptedOutputModes: ['text/plain', 'text', 'application/json'],
          taskPushNotificationConfig: undefined,
          returnImmediately: true,
        },
        metadata: undefined,
      });
      return await this.pollUntil(client, endpoint, fromA2aResult(result), deadline);
    } catch (error) {
      throw fromA2aError(error, endpoint.url);
    }
  }

  async follow(endpoint: A2aEndpoint, taskId: string, options: { followMs: number }): Promise<RemoteTaskSnapshot> {
    const deadline = Date.now() + options.followMs;
    try {
      const client = await this.clientFor(endpoint);
      return await this.pollUntil(client, endpoint, await this.getTask(client, endpoint, taskId), deadline);
    } catch (error) {
      throw fromA2aError(error, endpoint.url);
    }
  }

  private async pollUntil(client: Client, endpoint: A2aEndpoint, first: RemoteTaskSnapshot, deadline: number) {
    let snapshot = first;
    let delay = firstPollMs;
    while ((snapshot.state === 'submitted' || snapshot.state === 'working') && snapshot.taskId && Date.now() + delay < deadline) {
      await sleep(delay);
      delay = Math.min(delay * 2, maxPollMs);
      snapshot = await this.getTask(client, endpoint, snapshot.taskId);
    }
    return snapshot;
  }

  private async getTask(client: Client, endpoint: A2aEndpoint, taskId: string): Promise<RemoteTaskSnapshot> {
    return fromA2aResult(await client.getTask({ tenant: endpoint.tenant ?? '', id: taskId, historyLength: 1 }));
  }

  private clientFor(endpoint: A2aEndpoint): Promise<Client> {
    const key = JSON.stringify(endpoint);
    let client = this.clients.get(key);
    if (!client) {
      client = this.factory.createFromAgentCard(cardFor(endpoint));
      client.catch(() => this.clients.delete(key));
      this.clients.set(key, client);
    }
    return client;
  }
}

/** The SDK builds a client from a card; ours needs only the endpoint we validated at deploy. */
function cardFor(endpoint: A2aEndpoint): AgentCard {
  return {
    name: endpoint.url,
    description: '',
    supportedInterfaces: [
      { url: endpoint.url, protocolBinding: endpoint.transport, tenant: endpoint.tenant ?? '', protocolVersion: endpoint.protocolVersion },
    ],
    provider: undefined,
    version: '',
    capabilities: { extensions: [] },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [],
    signatures: [],
  };
}
