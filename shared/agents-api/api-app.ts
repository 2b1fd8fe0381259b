import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { EventStream } from './event-stream.ts';
import { FileDownload } from './artifact-methods.ts';
import { MethodNotAllowedError, NotFoundError } from '../domain/errors.ts';
import { toErrorBody, toRpcStatus } from '../domain/rpc-status.ts';
import type { ApiDeps } from './api-deps.ts';
import type { ApiRequest } from './api-request.ts';
import { apiRoutes, type ApiRoute } from './api-routes.ts';
import { webhookDeliveryRoute, type PublicApiRoute } from './trigger-routes.ts';
import { maxApiBodyBytes, parseJsonBody, readBodyBytes } from './read-request-body.ts';
import { readQuery } from './request-parameters.ts';

/** The API as a fetch handler: a standard Request in, a Response out (served by Node or by tests). */
export type ApiFetch = (request: Request) => Promise<Response>;

/**
 * The HTTP API on hono's router (docs/architecture.md, "The HTTP API"): the route table, and one
 * error mapper for every failure — a method's error, a bad token, a body that is not JSON or is
 * too large, an unknown path (404) or a method the path does not take (405, with `Allow`) —
 * each answered in Google's JSON error shape (AIP-193).
 */
export function createApiApp(
  deps: ApiDeps,
  routes: readonly ApiRoute[] = apiRoutes,
  options: { maxBodyBytes?: number; publicRoutes?: readonly PublicApiRoute[] } = {},
): ApiFetch {
  const app = new Hono({ getPath: routingPath });
  const methodsByPath = new Map<string, string[]>();
  // Methods whose request is its own credential (a webhook's signature): no bearer token, the raw
  // bytes, the method's own status.
  for (const route of options.publicRoutes ?? [webhookDeliveryRoute]) {
    app.on(route.method, route.path, async (context) => {
      const raw = context.req.raw;
      const rawBody = await readBodyBytes(raw, route.maxBodyBytes);
      const answer = await route.handle(deps, { param: (name) => context.req.param(name) ?? '', rawBody, headers: Object.fromEntries(raw.headers) });
      return context.json(answer.body as object, answer.status as 200);
    });
    methodsByPath.set(route.path, [route.method]);
  }
  for (const route of routes) {
    app.on(route.method, route.path, (context) => answer(deps, route, context, route.maxBodyBytes ?? options.maxBodyBytes ?? maxApiBodyBytes));
    methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method]);
  }
  // Registered after every route, so a path's own methods answer first.
  for (const [path, methods] of methodsByPath) {
    app.all(path, (context) => {
      throw new MethodNotAllowedError(`${context.req.method} is not a method of ${pathOf(context.req.raw)}; it takes ${methods.join(', ')}`, methods, {
        metadata: { httpMethod: context.req.method, path: pathOf(context.req.raw), allowedMethods: methods.join(',') },
      });
    });
  }
  app.notFound((context) => {
    const path = pathOf(context.req.raw);
    const hint = path.startsWith('/v1/') ? '' : '; the API lives under /v1/';
    return errorResponse(deps, context, new NotFoundError(`No API method at ${context.req.method} ${path}${hint}`, { code: 'METHOD_NOT_FOUND', metadata: { httpMethod: context.req.method, path } }));
  });
  app.onError((error, context) => errorResponse(deps, context, error));
  return async (request) => app.fetch(request);
}

/**
 * Authenticates (401 before the body is read), reads the body within the limit, parses it as
 * JSON, then runs the method. Nothing reaches a method that the edge has not checked.
 */
async function answer(deps: ApiDeps, route: ApiRoute, context: Context, maxBodyBytes: number): Promise<Response> {
  const raw = context.req.raw;
  const caller = await deps.authenticator.authenticate(raw.headers.get('authorization') ?? undefined);
  const rawBody = await readBodyBytes(raw, maxBodyBytes);
  const query: Record<string, string | undefined> = {};
  for (const [name, values] of Object.entries(context.req.queries())) query[name] = values[0];
  const request: ApiRequest = {
    method: raw.method,
    path: pathOf(raw),
    query,
    headers: Object.fromEntries(raw.headers),
    rawBody,
    body: parseJsonBody(rawBody, raw.headers.get('content-type') ?? undefined),
    signal: raw.signal,
  };
  const result = await route.handle(deps, {
    caller,
    request,
    param: (name) => context.req.param(name) ?? '',
    query: (method, accepted = []) => readQuery(query, method, accepted),
  });
  if (result instanceof EventStream) return sendEventStream(context, result);
  if (result instanceof FileDownload) return sendFile(result);
  return context.json(result as object);
}

/**
 * A stored file, byte for byte, as an attachment a browser never renders in the API's origin:
 * what code or a user wrote (HTML, SVG) must not run as the API's page.
 */
function sendFile(file: FileDownload): Response {
  return new Response(new Uint8Array(file.data), {
    headers: {
      'content-type': file.contentType,
      'content-length': String(file.data.length),
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    },
  });
}

/**
 * A method's event stream as `text/event-stream`. Stops iterating when the client goes away, which
 * releases what the stream holds (its listener); a stream with nothing left to send is 204.
 */
function sendEventStream(context: Context, answer: EventStream): Response {
  const events = answer.events;
  if (!events) return context.body(null, 204);
  return streamSSE(context, async (stream) => {
    for await (const event of events) {
      if (stream.aborted || context.req.raw.signal.aborted) break;
      if ('comment' in event) await stream.write(`: ${event.comment}\n\n`);
      else await stream.writeSSE(event);
    }
  });
}

function errorResponse(deps: Pick<ApiDeps, 'logger'>, context: Context, error: unknown): Response {
  const status = toRpcStatus(error);
  if (status.status === 'INTERNAL') deps.logger.error('API request failed', { method: context.req.method, path: pathOf(context.req.raw), error: String(error) });
  if (error instanceof MethodNotAllowedError) context.header('allow', error.allowedMethods.join(', '));
  return context.json(toErrorBody(status), status.httpStatus as 400);
}

function pathOf(request: Request): string {
  return new URL(request.url).pathname;
}

/**
 * The path the router matches: a custom method's `:verb` after the last segment (AIP-136)
 * becomes a `/~verb` segment, as hono reads `:` as a parameter. A path that already holds `/~`
 * is given one no route has, so `~verb` segments are reachable only as `:verb`.
 */
export function routingPath(request: Request): string {
  const path = pathOf(request);
  if (path.includes('/~')) return '/~';
  const custom = /^(.*\/[^/:]+):([A-Za-z]+)$/.exec(path);
  return custom ? `${custom[1]}/~${custom[2]}` : path;
}
