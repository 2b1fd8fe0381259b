import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the receiver does with one request: answer with a status (at once, or after a while), or never answer. */
export type ReceiverReply = number | { status: number; afterMs: number } | 'hang';

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  /** The body exactly as received: what a receiver verifies. */
  body: Buffer;
  /** What the receiver answered (`hang`: nothing). */
  reply: ReceiverReply;
}

/**
 * A result callback receiver on loopback that answers its requests with `replies` in order (the
 * last one repeats), recording every request. `close` ends hung connections too.
 */
export async function startCallbackReceiver(replies: readonly ReceiverReply[]) {
  const received: ReceivedCallback[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = replies[Math.min(received.length, replies.length - 1)]!;
      received.push({ headers: request.headers, body: Buffer.concat(chunks), reply });
      if (reply === 'hang') return;
      const { status, afterMs } = typeof reply === 'number' ? { status: reply, afterMs: 0 } : reply;
      setTimeout(() => response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'failed'), afterMs);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/agentline`,
    received,
    /** The requests answered with a 2xx. */
    accepted: () => received.filter(({ reply }) => reply !== 'hang' && (typeof reply === 'number' ? reply : reply.status) < 300),
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
