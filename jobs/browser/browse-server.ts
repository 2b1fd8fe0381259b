import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { browseRequestSchema, type BrowseOutcome } from '../../shared/browser/browse-request.ts';
import type { BrowserService } from '../../shared/ports/browser-service.ts';
import { ToolFailure } from '../../shared/tools/tool.ts';

/** A request's body past this is refused: actions and a run's cookies fit well inside it. */
const maxRequestBytes = 2 * 1024 * 1024;

/**
 * The browser service (docs/architecture.md, "Browser"): `POST /browse` with a browse request as
 * JSON, answered with the outcome (screenshots base64). One call at a time: Cloud Run sends each
 * instance one request (concurrency 1), and a second that arrives anyway is answered 429 without
 * being run. Who may call is Cloud Run's IAM, in front of this server; it holds no credentials of
 * its own worth calling for.
 */
export function createBrowseServer(browser: BrowserService, log: (entry: Record<string, unknown>) => void = () => {}): Server {
  let busy = false;
  return createServer((request, response) => {
    void (async () => {
      if (request.method !== 'POST' || request.url !== '/browse') return send(response, 404, { error: { message: 'Only POST /browse is served', notRun: true } });
      if (busy) return send(response, 429, { error: { message: 'This instance is running another call', notRun: true } });
      busy = true;
      try {
        const body = await readJson(request);
        if ('problem' in body) return send(response, body.status, { error: { message: body.problem, notRun: true } });
        const parsed = browseRequestSchema.safeParse(body.value);
        if (!parsed.success) return send(response, 400, { error: { message: `Not a browse request: ${z.prettifyError(parsed.error)}`, notRun: true } });
        const started = Date.now();
        const outcome = await browser.browse(parsed.data);
        log({ severity: 'INFO', message: 'browse call done', actions: parsed.data.actions.length, ms: Date.now() - started, failed: outcome.error !== undefined, refused: outcome.refused.length });
        send(response, 200, wire(outcome));
      } catch (error) {
        // A browser that could not start did nothing (503, marked: the caller may try again); anything
        // else may have acted. Only the mark says "not run": Cloud Run also answers 503 for an
        // instance that died mid-call (out of memory), which may have clicked.
        const notRun = error instanceof ToolFailure;
        log({ severity: 'ERROR', message: 'browse call failed', error: (error as Error).message });
        send(response, notRun ? 503 : 500, { error: { message: (error as Error).message, ...(notRun ? { notRun: true } : {}) } });
      } finally {
        busy = false;
      }
    })();
  });
}

function wire(outcome: BrowseOutcome): Record<string, unknown> {
  return { ...outcome, screenshots: outcome.screenshots.map((shot) => ({ ...shot, png: shot.png.toString('base64') })) };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<{ value: unknown } | { problem: string; status: number }> {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return { problem: 'The body must be JSON (Content-Type: application/json)', status: 415 };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxRequestBytes) return { problem: `The body is larger than ${maxRequestBytes} bytes`, status: 413 };
    chunks.push(chunk);
  }
  try {
    return { value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch (error) {
    return { problem: `The body is not JSON: ${(error as Error).message}`, status: 400 };
  }
}
