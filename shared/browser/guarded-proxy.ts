import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { guardedLookup, OutboundAddressRefusedError } from '../adapters/http/guarded-fetch.ts';
import { refusedTargetReason, type OutboundAddressOptions } from '../adapters/http/outbound-address-policy.ts';

/** A request the proxy did not let through, and why. */
export interface RefusedRequest {
  url: string;
  reason: string;
}

export interface GuardedProxyOptions extends OutboundAddressOptions {
  /** Bytes the pages may send and receive in all: past it every connection is cut and new ones refused. */
  maxBytes: number;
}

export interface GuardedProxy {
  /** `http://127.0.0.1:<port>`, for Chromium's `--proxy-server`. */
  readonly url: string;
  /** Every request refused so far, oldest first. */
  refused(): readonly RefusedRequest[];
  close(): Promise<void>;
}

/**
 * The only way out for a browser (docs/architecture.md, "Browser"): an HTTP proxy on loopback that
 * Chromium must use for every request — pages, redirects, subresources, workers, WebSockets —
 * which resolves each name itself, refuses the metadata server and non-public addresses exactly as
 * the guarded fetch does, and connects to the address it checked (so DNS rebinding between check
 * and connect is impossible). Written by hand because no proxy library lets the connection be
 * pinned to the checked address. Plain-HTTP requests are forwarded; HTTPS and WebSockets arrive as
 * CONNECT tunnels, checked the same way, their contents never seen.
 */
export async function startGuardedProxy(options: GuardedProxyOptions): Promise<GuardedProxy> {
  const refusals: RefusedRequest[] = [];
  const open = new Set<Duplex>();
  let transferred = 0;
  const lookup = guardedLookup(options);

  const refuse = (url: string, reason: string) => {
    if (refusals.length < 100) refusals.push({ url, reason });
  };
  const overLimit = () => transferred > options.maxBytes;
  const limitReason = () => `the call's transfer limit of ${options.maxBytes} bytes was reached`;
  const count = (socket: Duplex) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      transferred += chunk.length;
      if (overLimit()) for (const each of open) each.destroy();
    });
  };
  const checkTarget = (host: string): string | undefined => refusedTargetReason(host, options) ?? (overLimit() ? limitReason() : undefined);

  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    let target: URL;
    try {
      target = new URL(incoming.url ?? '');
    } catch {
      return void outgoing.writeHead(400).end('agentline proxy: a proxied request needs an absolute URL');
    }
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    const reason = target.protocol === 'http:' ? checkTarget(host) : `only http and https URLs are loaded, not ${target.protocol}`;
    if (reason) {
      refuse(target.href, reason);
      return void outgoing.writeHead(403, { 'content-type': 'text/plain' }).end(`Refused by agentline: ${reason}`);
    }
    const headers = { ...incoming.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = httpRequest(
      { host, port: target.port || 80, path: `${target.pathname}${target.search}`, method: incoming.method, headers, lookup, agent: false },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.rawHeaders);
        response.pipe(outgoing);
        // An upstream that breaks off mid-body breaks the answer off too: the page sees an error, never waits.
        response.once('aborted', () => outgoing.destroy());
        response.once('error', () => outgoing.destroy());
      },
    );
    upstream.once('socket', count);
    upstream.on('error', (error) => failed(target.href, error, outgoing));
    incoming.pipe(upstream);
  });

  const failed = (url: string, error: Error, outgoing: ServerResponse) => {
    if (error instanceof OutboundAddressRefusedError) refuse(url, error.message);
    if (!outgoing.headersSent) outgoing.writeHead(error instanceof OutboundAddressRefusedError ? 403 : 502).end(`agentline proxy: ${error.message}`);
    else outgoing.destroy();
  };

  server.on('connect', (incoming: IncomingMessage, client: Socket, head: Buffer) => {
    const authority = incoming.url ?? '';
    const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(authority);
    if (!match) return void client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
    const port = Number(match[2]);
    const reason = checkTarget(host);
    if (reason) {
      refuse(`https://${authority}`, reason);
      return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    }
    const upstream = connect({ host, port, lookup });
    count(upstream);
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('error', (error) => {
      if (error instanceof OutboundAddressRefusedError) refuse(`https://${authority}`, error.message);
      client.end(error instanceof OutboundAddressRefusedError ? 'HTTP/1.1 403 Forbidden\r\n\r\n' : 'HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    client.once('error', () => upstream.destroy());
  });
  // What a page sends (an upload, a tunnel's outgoing half) counts as much as what it receives.
  server.on('connection', count);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    refused: () => refusals,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
