import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Caller } from '../domain/agents/permissions.ts';
import { parsePageSize } from '../domain/agents/list-request.ts';
import { readPageCursor, type PageTokenCodec } from '../domain/agents/page-token.ts';
import { isBatchEnded, type BatchRecord } from '../domain/batches/batch-record.ts';
import { batchSpecSchema, newBatchRecord, requireValidBatchSpec, type BatchPolicy } from '../domain/batches/batch-spec.ts';
import { batchItemRunId, newLane } from '../domain/batches/batch-runs.ts';
import { describeIssues } from '../domain/describe-issues.ts';
import { InvalidInputError, NotFoundError, PermissionDeniedError } from '../domain/errors.ts';
import { outboxEntryOf } from '../domain/outbox.ts';
import { toCallbackView } from '../domain/run-view.ts';
import type { CallbackStore } from '../ports/callback-store.ts';
import { runCancelOutboxMessage } from '../domain/run-control-message.ts';
import { submissionSchema } from '../domain/submission.ts';
import { checkRequestId } from '../domain/request-id.ts';
import { publishCommitted } from '../engine/dispatch-outbox.ts';
import type { BatchDeps } from './batch-deps.ts';
import { toBatchJson, toReportLine, batchTotals } from './batch-view.ts';
import { fanOutMessage } from '../domain/batches/batch-messages.ts';
import { finishBatch } from './finish-batch.ts';

type Json = Record<string, unknown>;
export type BatchMethodDeps = Pick<BatchDeps, 'batches' | 'queue' | 'outbox' | 'clock' | 'logger'> & {
  pageTokens: PageTokenCodec;
  newId: () => string;
  /** Where batches may read their items from, and whether their callbacks may be http (batch-spec.ts). */
  batchPolicy: BatchPolicy;
  /** A batch's result callback and its attempts, shown with the batch. */
  callbacks: Pick<CallbackStore, 'getCallback'>;
};

const createBatchBodySchema = batchSpecSchema.extend({ agent: submissionSchema.shape.agent });
const batchIdPattern = /^b[0-9a-f]{24}$/;

/**
 * `batches.create` (docs/architecture.md, "Batches"): the batch and its lanes, and the first
 * fan-out message, in one transaction. Its id depends only on (caller, requestId), so a create
 * repeated with the same requestId answers the same batch and starts nothing more.
 */
export async function createBatch(deps: BatchMethodDeps, caller: Caller, requestId: string | undefined, body: unknown): Promise<Json> {
  const parsed = createBatchBodySchema.safeParse(body);
  if (!parsed.success) throw new InvalidInputError(`Invalid batch: ${describeIssues(parsed.error.issues)}`, { code: 'INVALID_BATCH' });
  const { agent, ...spec } = parsed.data;
  requireValidBatchSpec(spec, { ...deps, userId: caller.userId });
  checkRequestId(requestId);
  const key = requestId ?? deps.newId();
  const batchId = `b${createHash('sha256').update(`${caller.userId}\n${key}`).digest('hex').slice(0, 24)}`;
  const now = deps.clock.now();
  const batch = newBatchRecord(spec, { batchId, userId: caller.userId, agent, now });
  const first = fanOutMessage(batchId, 0);
  const outcome = await deps.batches.transact(async (tx) => {
    const existing = await tx.getBatch(batchId);
    if (existing) return { batch: existing, created: false };
    tx.createBatch(batch);
    for (let lane = 0; lane < batch.concurrency; lane += 1) tx.putLane(batchId, newLane(lane));
    tx.putOutbox(outboxEntryOf(first, now));
    return { batch, created: true };
  });
  if (outcome.created) await publishAfterCommit(deps, [first]);
  return toBatchJson(outcome.batch, []);
}

/** `batches.get`: the batch with its live counts and totals, for its user or an admin (403 before 404). */
export async function getBatch(deps: BatchMethodDeps, caller: Caller, batchId: string): Promise<Json> {
  const batch = await authorizedBatch(deps, caller, batchId);
  const [lanes, counts, callback] = await Promise.all([
    deps.batches.listLanes(batchId),
    deps.batches.countItems(batchId),
    batch.callback && isBatchEnded(batch.state) ? deps.callbacks.getCallback({ kind: 'batch', id: batchId }) : undefined,
  ]);
  return { ...toBatchJson(batch, lanes, counts), ...(batch.callback ? { callback: toCallbackView(batch.callback.url, callback) } : {}) };
}

/** `batches.list`: the caller's batches (an admin's: everyone's), newest first, paged. */
export async function listBatches(deps: BatchMethodDeps, caller: Caller, query: Record<string, string | undefined>): Promise<Json> {
  const pageSize = parsePageSize(query['pageSize']);
  const parameters = { list: 'batches', caller: caller.userId, admin: caller.admin };
  const after = query['pageToken'] ? readCursor(deps.pageTokens.decode(query['pageToken'], parameters)) : undefined;
  const page = await deps.batches.listBatchesPage({ ...(caller.admin ? {} : { userId: caller.userId }), ...(after ? { after } : {}), pageSize });
  return { batches: page.batches.map((batch) => toBatchJson(batch, [])), ...(page.next ? { nextPageToken: deps.pageTokens.encode(page.next, parameters) } : {}) };
}

/**
 * `batches.cancel`: no item starts any more, the running ones are cancelled through the engine's
 * cancellation, and the batch ends `CANCELLED` when the last of them has ended. The cancellations
 * are in the outbox of the commit that sets `CANCELLING` (the lanes name the items running), so a
 * crash after it loses none.
 */
export async function cancelBatch(deps: BatchMethodDeps, caller: Caller, batchId: string): Promise<Json> {
  await authorizedBatch(deps, caller, batchId);
  const now = deps.clock.now();
  const messages = await deps.batches.transact(async (tx) => {
    const batch = await tx.getBatch(batchId);
    if (!batch || batch.state !== 'RUNNING') return [];
    const cancelling: BatchRecord = { ...batch, state: 'CANCELLING', updateTime: now };
    const lanes = (await tx.getLanes(batchId)).map((lane) => (lane.running === undefined ? { ...lane, done: true } : lane));
    const finished = finishBatch(cancelling, lanes, now);
    // A running item's run may not be written yet (its submission on its way): its cancellation waits for it.
    const reason = `batch ${batchId} cancelled`;
    const cancels = lanes.flatMap((lane) => (lane.running === undefined ? [] : [runCancelOutboxMessage({ runId: batchItemRunId(batch, lane.running), requestedBy: caller.userId, reason, waitForRun: true }, `batch-${batchId}`)]));
    const out = [...(finished?.messages ?? []), ...cancels];
    for (const lane of lanes) tx.putLane(batchId, lane);
    tx.putBatch(finished?.batch ?? cancelling);
    for (const message of out) tx.putOutbox(outboxEntryOf(message, now));
    return out;
  });
  await publishAfterCommit(deps, messages);
  return getBatch(deps, caller, batchId);
}

/**
 * `batches.report`: every item's outcome and output by index, a page at a time (the CLI writes
 * them as JSON Lines), with the batch's state and totals.
 */
export async function reportBatch(deps: BatchMethodDeps, caller: Caller, batchId: string, query: Record<string, string | undefined>): Promise<Json> {
  const batch = await authorizedBatch(deps, caller, batchId);
  const pageSize = parsePageSize(query['pageSize']);
  const parameters = { list: 'batch-report', batch: batchId, caller: caller.userId };
  const after = query['pageToken'] ? readIndexCursor(deps.pageTokens.decode(query['pageToken'], parameters)) : -1;
  const items = await deps.batches.listItems(batchId, after, pageSize + 1);
  const page = items.slice(0, pageSize);
  const lanes = await deps.batches.listLanes(batchId);
  return {
    state: batch.state,
    ...(batch.itemCount !== undefined ? { itemCount: batch.itemCount } : {}),
    totals: batchTotals(batch, lanes),
    items: page.map((item) => toReportLine(batch, item)),
    ...(items.length > pageSize ? { nextPageToken: deps.pageTokens.encode([page.at(-1)!.index], parameters) } : {}),
  };
}

/** Permission before existence, as for runs: another user's batch and a missing one answer alike (only admins see 404). */
async function authorizedBatch(deps: Pick<BatchDeps, 'batches'>, caller: Caller, batchId: string): Promise<BatchRecord> {
  if (!batchIdPattern.test(batchId)) throw new InvalidInputError(`"${batchId}" is not a batch id; batch names are batches/{batchId}`, { code: 'INVALID_BATCH_NAME' });
  const batch = await deps.batches.getBatch(batchId);
  if (batch && (caller.admin || batch.userId === caller.userId)) return batch;
  if (!batch && caller.admin) throw new NotFoundError(`Batch batches/${batchId} does not exist`, { code: 'BATCH_NOT_FOUND' });
  throw new PermissionDeniedError(`Permission denied on batch batches/${batchId} (or it may not exist)`);
}

async function publishAfterCommit(deps: Pick<BatchDeps, 'queue' | 'outbox' | 'logger'>, messages: Parameters<typeof publishCommitted>[1]): Promise<void> {
  await publishCommitted(deps, messages).catch((error: unknown) => deps.logger.warn('publishing a committed batch change failed; the sweeper will publish it', { error: String(error) }));
}

function readCursor(cursor: unknown[]): [number, string] {
  return readPageCursor(z.tuple([z.number(), z.string()]), cursor);
}

function readIndexCursor(cursor: unknown[]): number {
  return readPageCursor(z.tuple([z.number().int().nonnegative()]), cursor)[0];
}
