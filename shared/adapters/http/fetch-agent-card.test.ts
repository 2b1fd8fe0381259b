import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentlineError } from '../../domain/errors.ts';
import { fetchAgentCard } from './fetch-agent-card.ts';
import { createGuardedFetch } from './guarded-fetch.ts';

const card = {
  name: 'Echo Agent',
  description: 'Repeats what it is told.',
  supportedInterfaces: [{ url: 'http://127.0.0.1:4000/a2a/jsonrpc', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
  version: '1.0.0',
  capabilities: {},
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain'],
  skills: [],
};

const bodies: Record<string, [number, string]> = {
  '/.well-known/agent-card.json': [200, JSON.stringify(card)],
  '/not-json': [200, '<html>hello</html>'],
  '/invalid': [200, JSON.stringify({ ...card, name: undefined, supportedInterfaces: [] })],
  '/busy': [503, 'try later'],
};

let server: Server;
let base: string;
const guarded = createGuardedFetch({ allowLoopback: true, timeoutMs: 5_000, maxResponseBytes: 100_000 });

beforeAll(async () => {
  server = createServer((request, response) => {
    const [status, body] = bodies[request.url ?? ''] ?? [404, 'no such card'];
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await guarded.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failure(uri: string, fetchImpl = guarded.fetch): Promise<AgentlineError> {
  const error = await fetchAgentCard(uri, fetchImpl).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AgentlineError);
  return error as AgentlineError;
}

describe('fetchAgentCard', () => {
  it('returns the card as served and its validated view', async () => {
    const fetched = await fetchAgentCard(`${base}/.well-known/agent-card.json`, guarded.fetch);
    expect(fetched.card).toEqual(card);
    expect(fetched.view).toMatchObject({ name: 'Echo Agent', endpoint: { url: 'http://127.0.0.1:4000/a2a/jsonrpc', transport: 'JSONRPC' } });
  });

  it('says a body that is not JSON is not JSON, naming the URI', async () => {
    const error = await failure(`${base}/not-json`);
    expect(error.message).toMatch(new RegExp(`^agent card at ${base}/not-json: not valid JSON: `));
  });

  it('lists every problem of an invalid card', async () => {
    const error = await failure(`${base}/invalid`);
    expect(error.message.split('\n')).toEqual([
      `agent card at ${base}/invalid: name: required`,
      `agent card at ${base}/invalid: supportedInterfaces: must list at least one interface`,
    ]);
  });

  it('refuses a missing card for good', async () => {
    const error = await failure(`${base}/nowhere`);
    expect(error).toMatchObject({ code: 'AGENT_CARD_UNAVAILABLE', retryable: false });
    expect(error.message).toBe(`Agent card at ${base}/nowhere could not be fetched: HTTP 404 Not Found`);
  });

  it('treats a 503 as transient', async () => {
    expect(await failure(`${base}/busy`)).toMatchObject({ retryable: true });
  });

  it('refuses a URI that is not http or https', async () => {
    expect((await failure('ftp://example.com/card.json')).message).toBe(
      'Agent card URI "ftp://example.com/card.json" must be an absolute http or https URL',
    );
  });

  it('refuses a card on loopback when loopback is not allowed', async () => {
    const strict = createGuardedFetch({ allowLoopback: false, timeoutMs: 5_000, maxResponseBytes: 100_000 });
    try {
      expect((await failure(`${base}/.well-known/agent-card.json`, strict.fetch)).code).toBe('OUTBOUND_ADDRESS_REFUSED');
    } finally {
      await strict.close();
    }
  });
});
