import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentlineError } from '../../domain/errors.ts';
import { createGuardedFetch, type GuardedFetch, type GuardedFetchOptions } from './guarded-fetch.ts';

const servers: Server[] = [];
const fetchers: GuardedFetch[] = [];

afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((fetcher) => fetcher.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function guarded(options: Partial<GuardedFetchOptions> = {}): typeof fetch {
  const fetcher = createGuardedFetch({ allowLoopback: false, timeoutMs: 5_000, maxResponseBytes: 1_000, ...options });
  fetchers.push(fetcher);
  return fetcher.fetch;
}

async function failure(promise: Promise<unknown>): Promise<AgentlineError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AgentlineError);
  return error as AgentlineError;
}

describe('createGuardedFetch refuses without touching the network', () => {
  it.each([
    ['the metadata server address', 'http://169.254.169.254/computeMetadata/v1/'],
    ['the metadata server name', 'http://metadata.google.internal/computeMetadata/v1/'],
    ['the AWS IPv6 metadata address', 'http://[fd00:ec2::254]/latest/meta-data/'],
    ['a link-local IPv6 address', 'http://[fe80::1]/'],
    ['a private 10/8 address', 'http://10.0.0.1/'],
    ['a private 172.16/12 address', 'https://172.16.5.4/'],
    ['a private 192.168/16 address', 'http://192.168.0.10:8080/'],
    ['a carrier-grade NAT address', 'http://100.64.0.1/'],
    ['a unique-local IPv6 address', 'http://[fc00::1]/'],
    ['loopback by address', 'http://127.0.0.1:8080/'],
    ['IPv6 loopback', 'http://[::1]:8080/'],
    ['loopback written as IPv4-mapped IPv6', 'http://[::ffff:7f00:1]:8080/'],
    ['loopback written in hex', 'http://0x7f.1:8080/'],
    ['the unspecified address', 'http://0.0.0.0:8080/'],
  ])('%s', async (_name, url) => {
    const error = await failure(guarded()(url));
    expect(error.code).toBe('OUTBOUND_ADDRESS_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^Refusing to connect to /);
  });

  it('refuses a name that resolves to loopback, after resolving it', async () => {
    const error = await failure(guarded()('http://localhost:8080/'));
    expect(error.message).toBe('Refusing to connect to localhost: 127.0.0.1 is a loopback address');
  });

  it('refuses schemes other than http and https', async () => {
    const error = await failure(guarded()('file:///etc/passwd'));
    expect(error.code).toBe('OUTBOUND_ADDRESS_REFUSED');
  });
});

describe('createGuardedFetch against a local server (loopback allowed)', () => {
  it('fetches from loopback when the option allows it', async () => {
    const port = await serve((_request, response) => response.end('{"ok":true}'));
    const response = await guarded({ allowLoopback: true })(`http://localhost:${port}/card`);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('refuses a redirect to the metadata server', async () => {
    const port = await serve((_request, response) => {
      response.writeHead(302, { location: 'http://169.254.169.254/computeMetadata/v1/' }).end();
    });
    const error = await failure(guarded({ allowLoopback: true })(`http://127.0.0.1:${port}/`));
    expect(error.code).toBe('OUTBOUND_ADDRESS_REFUSED');
  });

  it('refuses a response whose declared length is over the limit', async () => {
    const port = await serve((_request, response) => response.end('x'.repeat(1_001)));
    const error = await failure(guarded({ allowLoopback: true })(`http://127.0.0.1:${port}/`));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
  });

  it('stops reading a streamed response once it passes the limit', async () => {
    const port = await serve((_request, response) => {
      response.write('x'.repeat(600));
      response.end('x'.repeat(600));
    });
    const response = await guarded({ allowLoopback: true })(`http://127.0.0.1:${port}/`);
    const error = await failure(response.text());
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
  });

  it('gives up on a server that never answers, as a transient failure', async () => {
    const port = await serve(() => undefined);
    const error = await failure(guarded({ allowLoopback: true, timeoutMs: 200 })(`http://127.0.0.1:${port}/`));
    expect(error.code).toBe('DEADLINE_EXCEEDED');
    expect(error.retryable).toBe(true);
  });

  it('reports a refused connection as transient', async () => {
    const port = await serve(() => undefined);
    const [server] = servers.splice(0);
    await new Promise((resolve) => server?.close(resolve));
    const error = await failure(guarded({ allowLoopback: true })(`http://127.0.0.1:${port}/`));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
