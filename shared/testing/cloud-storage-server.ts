import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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
const listPath = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o$/;
const uploadPath = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/;
const pageSize = 1_000;

/**
 * A local HTTP server speaking the part of the Cloud Storage JSON API the real client uses to read,
 * write and list objects: metadata (`GET /b/{bucket}/o/{object}`, with its `generation`, content
 * type and custom metadata); media with a byte range (`?alt=media`, `Range: bytes=N-`, answered
 * 206 with `Content-Range`, or 416 past the end), either of them for `?generation=N`; a listing by
 * prefix (`GET /b/{bucket}/o?prefix=`, paged); and a multipart upload
 * (`POST /upload/storage/v1/b/{bucket}/o?uploadType=multipart`) honouring `ifGenerationMatch`
 * (0: only if the object does not exist; 412 otherwise). Errors are the API's JSON shape; a
 * missing object — or a generation that is not the live one, as in a bucket without versioning — is 404.
 */
export async function startCloudStorageServer(): Promise<CloudStorageServer> {
  const generations = new Map<string, number>();
  const described = new Map<string, { contentType: string; metadata?: Record<string, string> }>();
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
    response.end(JSON.stringify({ error: { code, message, errors: [{ message, reason: code === 404 ? 'notFound' : code === 412 ? 'conditionNotMet' : 'backendError' }] } }));
  };
  const resource = (bucket: string, name: string) => {
    const key = `${bucket}/${name}`;
    const about = described.get(key);
    return {
      kind: 'storage#object',
      bucket,
      name,
      generation: String(generations.get(key)),
      size: String(objects.get(key)!.length),
      // What the client checks an upload or download against.
      md5Hash: createHash('md5').update(objects.get(key)!).digest('base64'),
      crc32c: crc32c(objects.get(key)!),
      contentType: about?.contentType ?? 'application/x-ndjson',
      ...(about?.metadata ? { metadata: about.metadata } : {}),
    };
  };
  const json = (response: ServerResponse, body: unknown) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://storage.test');
    requests.push({ method: request.method ?? '', url: `${url.pathname}${url.search}`, ...(request.headers.range ? { range: request.headers.range } : {}) });
    const body = await readBody(request);
    const failure = failures.shift();
    if (failure !== undefined) return error(response, failure, 'injected failure');
    const upload = uploadPath.exec(url.pathname);
    if (request.method === 'POST' && upload) return receiveUpload(decodeURIComponent(upload[1]!), url, request, body, response);
    const list = listPath.exec(url.pathname);
    if (request.method === 'GET' && list) return listObjects(decodeURIComponent(list[1]!), url, response);
    const match = objectPath.exec(url.pathname);
    if (request.method !== 'GET' || !match) return error(response, 400, `unsupported request ${request.method} ${url.pathname}`);
    const [bucket, name] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)];
    const data = objects.get(`${bucket}/${name}`);
    const generation = String(generations.get(`${bucket}/${name}`));
    const asked = url.searchParams.get('generation');
    if (!data || (asked !== null && asked !== generation)) return error(response, 404, `No such object: ${bucket}/${name}${asked !== null ? `#${asked}` : ''}`);
    if (url.searchParams.get('alt') !== 'media') return json(response, resource(bucket, name));
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (!range) {
      response.writeHead(200, { 'content-type': resource(bucket, name).contentType, 'content-length': data.length });
      return response.end(data);
    }
    const start = Number(range[1]);
    if (start >= data.length) {
      response.writeHead(416, { 'content-range': `bytes */${data.length}` });
      return response.end();
    }
    response.writeHead(206, { 'content-type': 'application/x-ndjson', 'content-length': data.length - start, 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` });
    response.end(data.subarray(start));
  };

  const listObjects = (bucket: string, url: URL, response: ServerResponse) => {
    const prefix = url.searchParams.get('prefix') ?? '';
    const names = [...objects.keys()]
      .filter((key) => key.startsWith(`${bucket}/${prefix}`))
      .map((key) => key.slice(bucket.length + 1))
      .sort();
    const from = Number(url.searchParams.get('pageToken') ?? 0);
    const page = names.slice(from, from + pageSize);
    json(response, { kind: 'storage#objects', items: page.map((name) => resource(bucket, name)), ...(from + pageSize < names.length ? { nextPageToken: String(from + pageSize) } : {}) });
  };

  const receiveUpload = (bucket: string, url: URL, request: IncomingMessage, body: Buffer, response: ServerResponse) => {
    if (url.searchParams.get('uploadType') !== 'multipart') return error(response, 400, `unsupported uploadType ${url.searchParams.get('uploadType')}`);
    const boundary = /boundary="?([^";]+)"?/.exec(request.headers['content-type'] ?? '')?.[1];
    const parts = boundary ? multipartParts(body, boundary) : [];
    if (parts.length !== 2) return error(response, 400, 'a multipart upload has a metadata part and a media part');
    const metadata = JSON.parse(parts[0]!.toString('utf8')) as { name?: string; contentType?: string; metadata?: Record<string, string> };
    const name = url.searchParams.get('name') ?? metadata.name;
    if (!name) return error(response, 400, 'an upload names its object');
    if (Buffer.byteLength(name) > 1_024) return error(response, 400, `Object name is ${Buffer.byteLength(name)} bytes: at most 1,024`);
    const key = `${bucket}/${name}`;
    const condition = url.searchParams.get('ifGenerationMatch');
    if (condition !== null && (condition === '0' ? objects.has(key) : String(generations.get(key)) !== condition)) return error(response, 412, `Precondition failed: ${key} generation is not ${condition}`);
    objects.set(key, parts[1]!);
    described.set(key, { contentType: metadata.contentType ?? 'application/octet-stream', ...(metadata.metadata ? { metadata: metadata.metadata } : {}) });
    json(response, resource(bucket, name));
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((failure: unknown) => error(response, 500, String(failure)));
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

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The bodies of a multipart/related message's parts (their headers dropped). */
function multipartParts(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start, next);
    const headersEnd = part.indexOf('\r\n\r\n');
    // The part's body ends before the CRLF that precedes the next delimiter.
    parts.push(part.subarray(headersEnd + 4, part.length - 2));
    at = next;
  }
  return parts;
}

const castagnoli = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  return crc >>> 0;
});

/** CRC32C (Castagnoli) of `data`, big-endian and base64, as the JSON API reports it. */
function crc32c(data: Buffer): string {
  let crc = 0xffffffff;
  for (const byte of data) crc = castagnoli[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  const value = Buffer.alloc(4);
  value.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return value.toString('base64');
}
