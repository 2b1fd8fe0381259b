import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server that answers `body` to everything and records each path asked for: to prove nothing was fetched. */
export async function startRecordingServer(body = '{}'): Promise<{ url: string; requested: string[]; close: () => void }> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    requested.push(request.url ?? '');
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requested, close: () => server.close() };
}
