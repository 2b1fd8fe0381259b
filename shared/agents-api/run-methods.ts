import { z } from 'zod';
import type { Caller } from '../domain/agents/permissions.ts';
import { parsePageSize } from '../domain/agents/list-request.ts';
import { describeIssues } from '../domain/describe-issues.ts';
import { InvalidInputError, NotFoundError, PermissionDeniedError } from '../domain/errors.ts';
import { runCancelOutboxMessage } from '../domain/run-control-message.ts';
import { isTerminal, runName, type Run } from '../domain/run.ts';
import { toRfc3339, toRunView } from '../domain/run-view.ts';
import { parseRunFilter, runSortKeySchema } from '../domain/runs/run-list-query.ts';
import { deriveRunId, submissionSchema, type Submission } from '../domain/submission.ts';
import type { ApiDeps } from './api-deps.ts';

type Json = Record<string, unknown>;
type Deps = Pick<ApiDeps, 'runs' | 'callbacks' | 'submissions' | 'queue' | 'pageTokens' | 'clock' | 'newId'>;

/** The body of runs.create: the run to start (the submission's fields the caller may set). */
const createRunBodySchema = submissionSchema.pick({ agent: true, input: true, runConfig: true, sessionId: true, deadline: true, callback: true }).strict();
const runIdPattern = /^[A-Za-z0-9_-]{1,128}$/;
export const defaultWaitSeconds = 30;
export const maxWaitSeconds = 60;

/**
 * `runs.create` (AIP-133, with AIP-155's `requestId`): publishes the submission, for the caller, on
 * the trusted submissions topic — the API verified who the caller is — and answers the run at
 * once: its id depends only on (caller, requestId), so the run is `QUEUED` until the submission
 * step creates it, and a create repeated with the same requestId answers the same run and never
 * starts a second one. Without a requestId the server picks one (a retry then starts another run).
 */
export async function createRun(deps: Deps, caller: Caller, requestId: string | undefined, body: unknown): Promise<Json> {
  const parsed = createRunBodySchema.safeParse(body);
  if (!parsed.success) throw new InvalidInputError(`Invalid run: ${describeIssues(parsed.error.issues)}`, { code: 'INVALID_RUN' });
  if (requestId !== undefined && !/^[\x21-\x7e]{1,256}$/.test(requestId)) {
    throw new InvalidInputError('requestId must be 1-256 printable ASCII characters (a UUID is best)', { code: 'INVALID_REQUEST_ID', metadata: { requestId } });
  }
  const key = requestId ?? deps.newId();
  const runId = deriveRunId({ idempotencyKey: key, userId: caller.userId, topic: 'trusted' }, key);
  const existing = await deps.runs.getRun(runId);
  if (existing) return toRunView(existing);
  const submission: Submission = { schemaVersion: 1, ...parsed.data, userId: caller.userId, idempotencyKey: key };
  await deps.submissions.publish(submission);
  const now = toRfc3339(deps.clock.now());
  const agent = 'name' in submission.agent ? { name: submission.agent.name } : { name: submission.agent.fileName ?? 'inline' };
  return { name: runName(runId), runId, agent, state: 'QUEUED', input: submission.input, sessionId: submission.sessionId, userId: caller.userId, createTime: now, updateTime: now };
}

/** `runs.get`: the caller's own run, or any run for an admin (403 before 404). */
export async function getRun(deps: Pick<Deps, 'runs' | 'callbacks'>, caller: Caller, runId: string): Promise<Json> {
  return viewWithCallback(deps, await authorizedRun(deps, caller, runId));
}

/**
 * `runs.list` (AIP-132/158/160): the caller's runs (an admin's: everyone's, anonymous runs
 * included), newest first, filtered by `filter`, one indexed query per page; opaque page tokens
 * bound to the filter and the caller.
 */
export async function listRuns(deps: Deps, caller: Caller, query: Record<string, string | undefined>): Promise<Json> {
  const pageSize = parsePageSize(query['pageSize']);
  const filter = parseRunFilter(query['filter']);
  const requestParameters = { list: 'runs', filter, caller: caller.userId, admin: caller.admin };
  const token = query['pageToken'];
  const after = token ? readCursor(deps.pageTokens.decode(token, requestParameters)) : undefined;
  const page = await deps.runs.listRunsPage({ ...(caller.admin ? {} : { userId: caller.userId }), ...filter, ...(after ? { after } : {}), pageSize });
  return {
    runs: page.runs.map((run) => toRunView(run)),
    ...(page.next ? { nextPageToken: deps.pageTokens.encode(page.next, requestParameters) } : {}),
  };
}

/**
 * `runs.cancel` (AIP-136): the engine's cancellation — a message on agentline-run-control, which
 * `controlRun` turns into a CANCELLED run at once (docs/architecture.md, "Cancellation") — for a
 * run the caller may see. Answers the run as it is now; an ended run is answered unchanged.
 */
export async function cancelRun(deps: Deps, caller: Caller, runId: string, body: unknown): Promise<Json> {
  const parsed = z.strictObject({ reason: z.string().max(1_000).optional() }).safeParse(body ?? {});
  if (!parsed.success) throw new InvalidInputError(`Invalid cancel request: ${describeIssues(parsed.error.issues)}`);
  const run = await authorizedRun(deps, caller, runId);
  if (!isTerminal(run.state)) {
    const request = { runId, requestedBy: caller.userId, ...(parsed.data.reason ? { reason: parsed.data.reason } : {}) };
    await deps.queue.publish([runCancelOutboxMessage(request, `api-${deps.newId()}`)]);
  }
  return viewWithCallback(deps, run);
}

/**
 * `runs.wait`: long-polls until the run has ended or `timeout` (seconds, `30` or `30s`; default
 * 30, at most 60) has passed, and answers the run as it is then. The listener is removed however
 * the wait ends: the run ended, the time passed, or the client went away (`signal`).
 */
export async function waitForRun(deps: Pick<Deps, 'runs' | 'callbacks'>, caller: Caller, runId: string, timeout: string | undefined, signal: AbortSignal): Promise<Json> {
  const seconds = parseWaitTimeout(timeout);
  const current = await authorizedRun(deps, caller, runId);
  if (isTerminal(current.state)) return viewWithCallback(deps, current);
  const run = await new Promise<Run>((resolve) => {
    let latest = current;
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      stop();
      resolve(latest);
    };
    const timer = setTimeout(finish, seconds * 1000);
    signal.addEventListener('abort', finish);
    const stop = deps.runs.watchRun(runId, (changed) => {
      if (!changed) return;
      latest = changed;
      if (isTerminal(changed.state)) queueMicrotask(finish);
    });
    if (signal.aborted) finish();
  });
  return viewWithCallback(deps, run);
}

export function parseWaitTimeout(raw: string | undefined): number {
  if (raw === undefined || raw === '') return defaultWaitSeconds;
  const match = /^(\d+(?:\.\d+)?)s?$/.exec(raw.trim());
  const seconds = match ? Number(match[1]) : Number.NaN;
  if (!(seconds > 0) || seconds > maxWaitSeconds) {
    throw new InvalidInputError(`timeout must be more than 0 and at most ${maxWaitSeconds} seconds ("30s"), got "${raw}"`, { code: 'INVALID_TIMEOUT', metadata: { timeout: raw, maxSeconds: String(maxWaitSeconds) } });
  }
  return seconds;
}

/** Permission before existence, as for agents: another user's run and a missing run answer alike (only admins see 404). */
export async function authorizedRun(deps: Pick<Deps, 'runs'>, caller: Caller, runId: string): Promise<Run> {
  if (!runIdPattern.test(runId)) throw new InvalidInputError(`"${runId}" is not a run id; run names are runs/{runId}`, { code: 'INVALID_RUN_NAME', metadata: { run: runName(runId) } });
  const run = await deps.runs.getRun(runId);
  if (run && (caller.admin || run.userId === caller.userId)) return run;
  if (!run && caller.admin) throw new NotFoundError(`Run ${runName(runId)} does not exist`, { code: 'RUN_NOT_FOUND', metadata: { run: runName(runId) } });
  throw new PermissionDeniedError(`Permission denied on run ${runName(runId)} (or it may not exist)`, { metadata: { run: runName(runId) } });
}

function readCursor(cursor: unknown[]) {
  const parsed = runSortKeySchema.safeParse(cursor);
  if (!parsed.success) throw new InvalidInputError('Invalid pageToken: start again without pageToken', { code: 'INVALID_PAGE_TOKEN' });
  return parsed.data;
}

/** The run's view with its result callback's state and attempts, when it names one. */
async function viewWithCallback(deps: Pick<Deps, 'callbacks'>, run: Run): Promise<Json> {
  return toRunView(run, run.callback ? await deps.callbacks.getCallback(run.runId) : undefined);
}
