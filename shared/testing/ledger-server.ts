import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TransientError } from '../domain/errors.ts';
import { Ledger, type LedgerClient, type LedgerEntry } from './ledger.ts';

export interface LedgerServer {
  url: string;
  /** Every booking received, duplicates included (the server never deduplicates). */
  ledger: Ledger;
  close(): Promise<void>;
}

/**
 * The ledger over HTTP, so a non-repeatable effect crosses a process boundary the way a real
 * payment API would: `POST /bookings {key, account, amount}` books (always, even for a key seen
 * before) and `GET /bookings/<key>` returns the first booking with that key or 404.
 */
export async function startLedgerServer(): Promise<LedgerServer> {
  const ledger = new Ledger();
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'POST' && url.pathname === '/bookings') {
      const body = JSON.parse(await readBody(request)) as { key: string; account: string; amount: number };
      return sendJson(response, 200, await ledger.book(body.key, body.account, body.amount));
    }
    const lookup = /^\/bookings\/(.+)$/.exec(url.pathname);
    if (request.method === 'GET' && lookup) {
      const entry = await ledger.lookup(decodeURIComponent(lookup[1]!));
      return entry ? sendJson(response, 200, entry) : sendJson(response, 404, { error: 'no booking with that key' });
    }
    sendJson(response, 404, { error: `no route ${request.method} ${url.pathname}` });
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => sendJson(response, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ledger,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * A LedgerClient over HTTP. A booking is not started after `deadline` (the attempt's lease end,
 * after which another attempt may reconcile) and is abandoned when the deadline passes.
 */
export function httpLedgerClient(baseUrl: string, now: () => number = Date.now): LedgerClient {
  return {
    async book(key, account, amount, deadline) {
      const remainingMs = deadline - now();
      if (remainingMs <= 0) throw new TransientError(`Booking ${key} not started: its attempt's lease has ended`);
      const response = await fetch(`${baseUrl}/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key, account, amount }),
        signal: AbortSignal.timeout(remainingMs),
      }).catch((error: unknown) => {
        throw new TransientError(`Ledger unreachable: ${String(error)}`, { cause: error });
      });
      if (!response.ok) throw new TransientError(`Ledger answered ${response.status}`);
      return (await response.json()) as LedgerEntry['output'];
    },
    async lookup(key) {
      const response = await fetch(`${baseUrl}/bookings/${encodeURIComponent(key)}`).catch((error: unknown) => {
        throw new TransientError(`Ledger unreachable: ${String(error)}`, { cause: error });
      });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new TransientError(`Ledger answered ${response.status}`);
      return (await response.json()) as LedgerEntry;
    },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of request) pieces.push(piece as Buffer);
  return Buffer.concat(pieces).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
