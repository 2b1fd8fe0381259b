import * as functions from '@google-cloud/functions-framework';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionServer } from './function-server.ts';
import type { FunctionServer } from './function-server.ts';

const received: CloudEvent<unknown>[] = [];
functions.cloudEvent('recordEvent', (event: CloudEvent<unknown>) => void received.push(event));
functions.cloudEvent('failEvent', () => {
  throw new Error('transient, please redeliver');
});
functions.http('echoHttp', (request, response) => void response.json({ path: request.path, body: request.body }));
let releaseSlow = () => {};
const slowStarted: string[] = [];
functions.cloudEvent('slowEvent', async (event: CloudEvent<unknown>) => {
  slowStarted.push(event.id);
  await new Promise<void>((resolve) => (releaseSlow = resolve));
});

// What the Pub/Sub emulator POSTs to a push endpoint.
function pushBody(data: unknown, attributes: Record<string, string>) {
  return {
    subscription: 'projects/p/subscriptions/s',
    message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), attributes, messageId: '42', publishTime: '2026-01-01T00:00:00Z' },
  };
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('startFunctionServer', () => {
  let server: FunctionServer;
  beforeAll(async () => {
    server = await startFunctionServer({
      functionNames: ['recordEvent', 'failEvent', 'echoHttp'],
      api: async (request) => Response.json({ path: new URL(request.url).pathname, body: await request.json() }),
    });
  });
  afterAll(() => server.close());

  it('serves /v1/ paths with the API, path unchanged, as the deployed API service sees them', async () => {
    const response = await post(`${server.url}/v1/projects/p/agents`, { hello: 1 });
    expect(await response.json()).toEqual({ path: '/v1/projects/p/agents', body: { hello: 1 } });
  });

  it('turns a push into a CloudEvent for the function named by the first path segment, and acks with 204', async () => {
    const response = await post(server.pushEndpoint('recordEvent', 'demo', 'agentline-step-plan'), pushBody({ runId: 'r1' }, { kind: 'plan' }));

    expect(response.status).toBe(204);
    const event = received.at(-1) as CloudEvent<{ message: { data: string; attributes: Record<string, string> } }>;
    expect(JSON.parse(Buffer.from(event.data!.message.data, 'base64').toString())).toEqual({ runId: 'r1' });
    expect(event.data!.message.attributes).toEqual({ kind: 'plan' });
    expect(event.source).toContain('projects/demo/topics/agentline-step-plan');
  });

  it('answers 500 when the function throws, so Pub/Sub redelivers', async () => {
    const response = await post(server.pushEndpoint('failEvent', 'demo', 'agentline-step-plan'), pushBody({}, {}));
    expect(response.status).toBe(500);
  });

  it('serves HTTP functions with the rest of the path', async () => {
    const response = await post(`${server.functionUrl('echoHttp')}/v1/runs`, { input: 'hi' });
    expect(await response.json()).toEqual({ path: '/v1/runs', body: { input: 'hi' } });
  });

  it('answers 404 naming the functions it serves for an unknown first segment', async () => {
    const response = await post(`${server.url}/nobody/projects/p/topics/t`, {});
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('serving /recordEvent, /failEvent, /echoHttp');
  });

  it('once told to refuse new requests, answers a push 503 (Pub/Sub keeps the message) and lets the one in flight finish', async () => {
    const stopping = await startFunctionServer({ functionNames: ['slowEvent'] });
    try {
      const inFlight = post(stopping.pushEndpoint('slowEvent', 'demo', 't'), pushBody({ n: 1 }, {}));
      while (slowStarted.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

      stopping.refuseNew();
      const late = await post(stopping.pushEndpoint('slowEvent', 'demo', 't'), pushBody({ n: 2 }, {}));
      releaseSlow();

      expect(late.status).toBe(503);
      expect((await inFlight).status).toBe(204);
      expect(slowStarted).toHaveLength(1);
    } finally {
      await stopping.close();
    }
  });

  it('refuses to serve a function that was never registered', async () => {
    await expect(startFunctionServer({ functionNames: ['neverRegistered'] })).rejects.toThrow('"neverRegistered" was not registered');
  });
});
