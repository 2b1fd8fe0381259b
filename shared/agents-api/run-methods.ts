import { z } from 'zod';
import type { Caller } from '../domain/agents/permissions.ts';
import { artifactScopeOfRun } from '../domain/artifacts/run-scope.ts';
import { checkInputFiles, inputFilesSchema, saveInputFiles } from './input-files.ts';
import { maxApiBodyBytes } from './read-request-body.ts';
import { parsePageSize } from '../domain/agents/list-request.ts';
import { readPageCursor } from '../domain/agents/page-token.ts';
import { describeIssues } from '../domain/describe-issues.ts';
import { InvalidInputError, NotFoundError, PayloadTooLargeError, PermissionDeniedError, TransientError } from '../domain/errors.ts';
import { runCancelOutboxMessage } from '../domain/run-control-message.ts';
import { isTerminal, runName, type Run } from '../domain/run.ts';
import { toRunView } from '../domain/run-view.ts';
import { pendingRunView, type RunClaim } from '../domain/runs/run-claim.ts';
import { checkRequestId } from '../domain/request-id.ts';
import { parseRunFilter, runSortKeySchema } from '../domain/runs/run-list-query.ts';
import { deriveRunId, submissionSchema, type Submission } from '../domain/submission.ts';
import type { ApiDeps } from './api-deps.ts';

type Json = Record<string, unknown>;
type Deps = Pick<ApiDeps, 'runs' | 'callbacks' | 'submissions' | 'queue' | 'pageTokens' | 'clock' | 'newId' | 'artifacts'>;

/** The body of runs.create: the run to start (the submission's fields the caller may set). */
const createRunBodySchema = submissionSchema.pick({ agent: true, input: true, runConfig: true, sessionId: true, deadline: true, callback: true }).extend({ files: inputFilesSchema.optional() }).strict();
const runIdPattern = /^[A-Za-z0-9_-]{1,128}$/;
export const defaultWaitSeconds = 30;
export const maxWaitSeconds = 60;
/** How long `runs.cancel` waits for a run just created to be written before answering 503. */
const cancelWaitsForCreationMs = 10_000;

/**
 * `runs.create` (AIP-133, with AIP-155's `requestId`): claims the run for the caller, publishes
 * the submission on the trusted submissions topic — the API verified who the caller is — and
 * answers the run at once: its id depends only on (caller, requestId), so the run is `QUEUED`
 * until the submission step creates it, and a create repeated with the same requestId answers the
 * same run and never starts a second one. The claim, written before the publish, is what lets
 * the caller get, wait on, stream and cancel the run before that step has written it
 * (docs/architecture.md, "Runs API"). Without a requestId the server picks one (a retry then
 * starts another run).
 */
export async function createRun(deps: Deps, caller: Caller, requestId: string | undefined, body: unknown): Promise<Json> {
  const parsed = createRunBodySchema.safeParse(body);
  if (!parsed.success) throw new InvalidInputError(`Invalid run: ${describeIssues(parsed.error.issues)}`, { code: 'INVALID_RUN' });
  checkRequestId(requestId);
  const key = requestId ?? deps.newId();
  const runId = deriveRunId({ idempotencyKey: key, userId: caller.userId, topic: 'trusted' }, key);
  const existing = await deps.runs.getRun(runId);
  if (existing) return toRunView(existing);
  const { files, ...fields } = parsed.data;
  // The body may be large for its files, which go to the artifact store; the rest travels as one
  // submission message and keeps the API's usual limit.
  const fieldBytes = Buffer.byteLength(JSON.stringify(fields));
  if (fieldBytes > maxApiBodyBytes) {
    throw new PayloadTooLargeError(`The request body is larger than ${maxApiBodyBytes} bytes without its files`, { code: 'BODY_TOO_LARGE', metadata: { maxBytes: String(maxApiBodyBytes) } });
  }
  const checkedFiles = checkInputFiles(deps, files ?? []);
  const submission: Submission = { schemaVersion: 1, ...fields, userId: caller.userId, idempotencyKey: key };
  const agentName = 'name' in submission.agent ? submission.agent.name : (submission.agent.fileName ?? 'inline');
  const claim = await deps.runs.claimRunOwner({
    schemaVersion: 1,
    runId,
    userId: caller.userId,
    agentName,
    input: submission.input,
    ...(submission.sessionId ? { sessionId: submission.sessionId } : {}),
    createTime: deps.clock.now(),
  });
  // Checked before the claim, saved after it (so only the run's owner reaches them) and before the
  // run exists; a create retried after a failure here saves them again, as later versions, and the
  // run that starts refers to the versions its own submission names.
  const inputFiles = await saveInputFiles(checkedFiles, { ...artifactScopeOfRun({ runId, userId: caller.userId, ...(submission.sessionId ? { sessionId: submission.sessionId } : {}) }), runId });
  await deps.submissions.publish({ ...submission, ...(inputFiles.length > 0 ? { inputFiles } : {}) });
  return pendingRunView(claim);
}

/** `runs.get`: the caller's own run, or any run for an admin (403 before 404). */
export async function getRun(deps: Pick<Deps, 'runs' | 'callbacks'>, caller: Caller, runId: string): Promise<Json> {
  const found = await findAuthorizedRun(deps, caller, runId);
  return 'run' in found ? viewWithCallback(deps, found.run) : pendingRunView(found.claim);
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
  const run = await authorizedRun(deps, caller, runId, { waitForCreationMs: cancelWaitsForCreationMs });
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
  const found = await findAuthorizedRun(deps, caller, runId);
  if ('run' in found && isTerminal(found.run.state)) return viewWithCallback(deps, found.run);
  const run = await watchUntil(deps, runId, (changed) => isTerminal(changed.state), seconds * 1000, signal);
  if (run) return viewWithCallback(deps, run);
  return 'run' in found ? viewWithCallback(deps, found.run) : pendingRunView(found.claim);
}

/**
 * The run once `done` says so, or as last seen when `ms` passed or the client went away (`signal`);
 * undefined if it never existed meanwhile. The listener is removed however the wait ends.
 */
function watchUntil(deps: Pick<Deps, 'runs'>, runId: string, done: (run: Run) => boolean, ms: number, signal?: AbortSignal): Promise<Run | undefined> {
  return new Promise<Run | undefined>((resolve) => {
    let latest: Run | undefined;
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      stop();
      resolve(latest);
    };
    const timer = setTimeout(finish, ms);
    signal?.addEventListener('abort', finish);
    const stop = deps.runs.watchRunDocument(runId, (changed) => {
      if (!changed) return;
      latest = changed;
      if (done(changed)) queueMicrotask(finish);
    });
    if (signal?.aborted) finish();
  });
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

/**
 * Permission before existence, as for agents: another user's run and a missing run answer alike
 * (only admins see 404). A run the caller created through this API that the submission step has
 * not written yet is found by its owner claim.
 */
export async function findAuthorizedRun(deps: Pick<Deps, 'runs'>, caller: Caller, runId: string): Promise<{ run: Run } | { claim: RunClaim }> {
  if (!runIdPattern.test(runId)) throw new InvalidInputError(`"${runId}" is not a run id; run names are runs/{runId}`, { code: 'INVALID_RUN_NAME', metadata: { run: runName(runId) } });
  const run = await deps.runs.getRun(runId);
  if (run && (caller.admin || run.userId === caller.userId)) return { run };
  if (!run) {
    const claim = await deps.runs.getRunClaim(runId);
    if (claim && (caller.admin || claim.userId === caller.userId)) return { claim };
    if (caller.admin) throw new NotFoundError(`Run ${runName(runId)} does not exist`, { code: 'RUN_NOT_FOUND', metadata: { run: runName(runId) } });
  }
  throw new PermissionDeniedError(`Permission denied on run ${runName(runId)} (or it may not exist)`, { metadata: { run: runName(runId) } });
}

/**
 * The run itself, for methods that need it written (cancel): a claimed run not yet written is
 * waited for up to `waitForCreationMs`, then answered 503 to be retried.
 */
export async function authorizedRun(deps: Pick<Deps, 'runs'>, caller: Caller, runId: string, options: { waitForCreationMs?: number } = {}): Promise<Run> {
  const found = await findAuthorizedRun(deps, caller, runId);
  if ('run' in found) return found.run;
  const run = await watchUntil(deps, runId, () => true, options.waitForCreationMs ?? 0);
  if (run) return run;
  throw new TransientError(`Run ${runName(runId)} is still being created; retry in a moment`, { code: 'RUN_NOT_YET_CREATED', metadata: { run: runName(runId) } });
}

function readCursor(cursor: unknown[]) {
  return readPageCursor(runSortKeySchema, cursor);
}

/** The run's view with its result callback's state and attempts, when it names one. */
async function viewWithCallback(deps: Pick<Deps, 'callbacks'>, run: Run): Promise<Json> {
  return toRunView(run, run.callback ? await deps.callbacks.getCallback({ kind: 'run', id: run.runId }) : undefined);
}
