import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CloudStorageServer {
  /** For STORAGE_EMULATOR_HOST, which the real @google-cloud/storage client honours. */
  url: string;
  /** Objects by `bucket/object`; each `set` writes a new generation, as replacing an object does. */
  objects: Map<string, Buffer>;
  /** Every request: method, path and query, and the Range header. */
  requests: { method: string; url: string; range?: string }[];
  /** Answers the next request with this HTTP status (a server error, say). */
  failNext(status: number): void;
  close(): Promise<void>;
}

const objectPath = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o\/([^/?]+)$/;

/**
 * A local HTTP server speaking the part of the Cloud Storage JSON API the real client uses to
 * read an object: metadata (`GET /b/{bucket}/o/{object}`, with its `generation`) and media with a
 * byte range (`?alt=media`, `Range: bytes=N-`, answered 206 with `Content-Range`, or 416 past the
 * end), either of them for `?generation=N`. Errors are the API's JSON shape; a missing object — or
 * a generation that is not the live one, as in a bucket without versioning — is 404.
 */
export async function startCloudStorageServer(): Promise<CloudStorageServer> {
  const generations = new Map<string, number>();
  let lastGeneration = 1_733_000_000_000_000;
  const objects = new (class extends Map<string, Buffer> {
    override set(key: string, value: Buffer): this {
      generations.set(key, (lastGeneration += 1));
      return super.set(key, value);
    }
  })();
  const requests: CloudStorageServer['requests'] = [];
  const failures: number[] = [];
  const error = (response: ServerResponse, code: number, message: string) => {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { code, message, errors: [{ message, reason: code === 404 ? 'notFound' : 'backendError' }] } }));
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://storage.test');
    requests.push({ method: request.method ?? '', url: `${url.pathname}${url.search}`, ...(request.headers.range ? { range: request.headers.range } : {}) });
    request.resume();
    const failure = failures.shift();
    if (failure !== undefined) return error(response, failure, 'injected failure');
    const match = objectPath.exec(url.pathname);
    if (request.method !== 'GET' || !match) return error(response, 400, `unsupported request ${request.method} ${url.pathname}`);
    const [bucket, name] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)];
    const data = objects.get(`${bucket}/${name}`);
    const generation = String(generations.get(`${bucket}/${name}`));
    const asked = url.searchParams.get('generation');
    if (!data || (asked !== null && asked !== generation)) return error(response, 404, `No such object: ${bucket}/${name}${asked !== null ? `#${asked}` : ''}`);
    if (url.searchParams.get('alt') !== 'media') {
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.end(JSON.stringify({ kind: 'storage#object', bucket, name, generation, size: String(data.length), contentType: 'application/x-ndjson' }));
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (!range) {
      response.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-length': data.length });
      return response.end(data);
    }
    const start = Number(range[1]);
    if (start >= data.length) {
      response.writeHead(416, { 'content-range': `bytes */${data.length}` });
      return response.end();
    }
    response.writeHead(206, { 'content-type': 'application/x-ndjson', 'content-length': data.length - start, 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` });
    response.end(data.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    requests,
    failNext: (status) => void failures.push(status),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
