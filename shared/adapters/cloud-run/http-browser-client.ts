import { browseOutcomeWireSchema, type BrowseOutcome, type BrowseRequest } from '../../browser/browse-request.ts';
import type { BrowserService } from '../../ports/browser-service.ts';
import { ToolFailure } from '../../tools/tool.ts';

/** Headers that prove who calls (an ID token for the service's URL, deployed); none on the local stack. */
export type CallerHeaders = () => Promise<Record<string, string>>;

/**
 * Past the call's own time (which already holds Chromium's start-up and wrap-up), how long its
 * answer may take to arrive: less than the 5 s the tool leaves before its step's lease ends, so
 * the step never waits into another attempt's time.
 */
export const answerMarginMs = 4_000;

/**
 * `browse` calls sent to the browser service (jobs/browser, docs/architecture.md, "Browser"): a
 * Cloud Run service whose IAM lets only the tool step's account invoke it. What failed is told
 * apart by whether the actions may have run: a service that could not be reached, or answered
 * that it was busy or could not start a browser, did nothing; one that failed or fell silent
 * after taking the call may have clicked. Both are tool errors the model sees, never retried
 * behind its back (the tool is done at most once).
 */
export class HttpBrowserClient implements BrowserService {
  readonly #url: string;
  readonly #headers: CallerHeaders;
  readonly #fetch: typeof fetch;

  constructor(url: string, headers: CallerHeaders, fetchImpl: typeof fetch = fetch) {
    this.#url = url.replace(/\/+$/, '');
    this.#headers = headers;
    this.#fetch = fetchImpl;
  }

  async browse(request: BrowseRequest): Promise<BrowseOutcome> {
    const identity = await this.#headers().catch((error: unknown) => {
      throw new ToolFailure(`No identity token for the browser service (${(error as Error).message}); nothing was done, call again`);
    });
    let response: Response;
    try {
      response = await this.#fetch(`${this.#url}/browse`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...identity },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(request.timeoutMs + answerMarginMs),
      });
    } catch (error) {
      throw unanswered(error);
    }
    const body = await response.text().catch(() => '');
    if (!response.ok) throw refused(response.status, body);
    const wire = browseOutcomeWireSchema.safeParse(safeJson(body));
    if (!wire.success) throw new ToolFailure(`The browser service answered with something that is not a browse outcome; its actions may or may not have taken effect`);
    const { screenshots, ...rest } = wire.data;
    return { ...rest, state: rest.state, screenshots: screenshots.map((shot) => ({ ...shot, png: Buffer.from(shot.png, 'base64') })) };
  }
}

/**
 * Whether a failed answer means the actions never ran: every 4xx (refused before the call was
 * taken — by Cloud Run's IAM, 401 or 403, or by the service: a body it would not read, an
 * instance already busy) and a 503 the service marked `notRun` (Chromium could not start). Any
 * other 5xx — Cloud Run's own 503 for an instance that died mid-call included — may have acted.
 */
function refused(status: number, body: string): ToolFailure {
  const answer = (safeJson(body) as { error?: { message?: string; notRun?: boolean } } | undefined)?.error;
  const message = answer?.message ?? body.slice(0, 300);
  if (status === 400) return new ToolFailure(`The browser service refused the call: ${message}`);
  if (status < 500 || (status === 503 && answer?.notRun === true)) return new ToolFailure(`The browser service did not run the call (HTTP ${status}: ${message}); nothing was done, call again`);
  return new ToolFailure(`The browser service failed (HTTP ${status}: ${message}); its actions may or may not have taken effect`);
}

function unanswered(error: unknown): ToolFailure {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ToolFailure(`The browser service could not be reached (${code}); nothing was done, call again`);
  }
  const detail = error instanceof Error && error.name === 'TimeoutError' ? 'did not answer in time' : `stopped answering (${(cause ?? (error as Error)).message})`;
  return new ToolFailure(`The browser service ${detail}; its actions may or may not have taken effect`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
