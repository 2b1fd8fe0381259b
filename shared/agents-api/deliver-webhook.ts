import { InvalidInputError, NotFoundError, TransientError, UnauthenticatedError, type AgentlineError } from '../domain/errors.ts';
import { outboxEntryOf } from '../domain/outbox.ts';
import { toErrorBody, toRpcStatus } from '../domain/rpc-status.ts';
import { acceptedDeliveryRecordId, decideDelivery, triggerSubmission } from '../domain/triggers/decide-delivery.ts';
import { requestSummary, type DeliveryRecord, type DeliveryRefusal, type DeliveryRefusalReason } from '../domain/triggers/delivery-record.ts';
import { triggerSchemes } from '../domain/triggers/trigger-fields.ts';
import { tryParseTriggerName } from '../domain/triggers/trigger-name.ts';
import { isTriggerEnabled, type TriggerRecord } from '../domain/triggers/trigger-record.ts';
import { DEFAULT_MAX_BODY_BYTES, webhookVerifiers, type WebhookHeaders, type WebhookVerified } from '../webhooks/index.ts';
import type { ApiDeps } from './api-deps.ts';
import { publishAfterCommit } from './operation-methods.ts';
import { belongsTo } from './agent-children.ts';

type Deps = Pick<ApiDeps, 'registry' | 'webhookSecrets' | 'queue' | 'outbox' | 'clock' | 'newId' | 'logger'>;

/** A webhook delivery as the endpoint needs it: the body's bytes exactly as received. */
export interface WebhookDeliveryRequest {
  triggerName: string;
  rawBody: Uint8Array;
  headers: WebhookHeaders;
}

export interface WebhookDeliveryResponse {
  status: number;
  body: unknown;
}

/**
 * The answer to each refusal: 401 when the delivery is not proven to come from the sender, 400
 * when an authentic delivery cannot become a run, 413 for a body over the limit, 503 when the
 * trigger's own secrets are unusable (the owner must act; senders retry meanwhile), and 200 for a
 * delivery the filter leaves out (nothing to retry). Exhaustive, so a new reason must be decided.
 */
const refusalAnswers: Record<DeliveryRefusalReason, { http: number; error: new (message: string, options: { code: string; metadata: Record<string, string> }) => AgentlineError }> = {
  MISSING_HEADER: { http: 401, error: UnauthenticatedError },
  MALFORMED_HEADER: { http: 401, error: UnauthenticatedError },
  UNSUPPORTED_SIGNATURE_VERSION: { http: 401, error: UnauthenticatedError },
  BAD_SIGNATURE: { http: 401, error: UnauthenticatedError },
  STALE_TIMESTAMP: { http: 401, error: UnauthenticatedError },
  FUTURE_TIMESTAMP: { http: 401, error: UnauthenticatedError },
  OVERSIZED_BODY: { http: 413, error: InvalidInputError },
  MALFORMED_BODY: { http: 400, error: InvalidInputError },
  TEMPLATE_PATH_MISSING: { http: 400, error: InvalidInputError },
  INVALID_INPUT: { http: 400, error: InvalidInputError },
  INVALID_SESSION_ID: { http: 400, error: InvalidInputError },
  NO_ACTIVE_SECRET: { http: 503, error: TransientError },
  MALFORMED_SECRET: { http: 503, error: TransientError },
  SECRET_NOT_FOUND: { http: 503, error: TransientError },
  FILTERED_OUT: { http: 200, error: InvalidInputError },
};

/**
 * `POST /v1/{trigger}:deliver`, public: the signature is the sender's credential
 * (docs/architecture.md, "Webhook triggers"). Verifies over the raw bytes before anything parses
 * them, records the delivery id create-once together with the run's submission in the outbox (one
 * transaction), publishes it, and answers 202 with the run's name; the run itself happens in the
 * pipeline. A duplicate answers 200 with the same run. Every refusal is recorded under the trigger
 * with its reason before it is answered. A missing or disabled trigger is 404 and nothing more.
 */
export async function deliverWebhook(deps: Deps, request: WebhookDeliveryRequest): Promise<WebhookDeliveryResponse> {
  try {
    const trigger = await findEnabledTrigger(deps, request.triggerName);
    if (!trigger) return errorAnswer(new NotFoundError('Not found', { code: 'NOT_FOUND' }));
    const verified = await verify(deps, trigger, request);
    if ('reason' in verified) return await refuse(deps, trigger, request, verified);
    return await accept(deps, trigger, request, verified);
  } catch (error) {
    deps.logger.error('webhook delivery failed', { trigger: request.triggerName, error: String(error) });
    return errorAnswer(error);
  }
}

async function findEnabledTrigger(deps: Deps, name: string): Promise<TriggerRecord | undefined> {
  const parts = tryParseTriggerName(name);
  if (!parts) return undefined;
  const [trigger, agent] = await Promise.all([deps.registry.getTrigger(name), deps.registry.getAgentRecord(parts.agent)]);
  return agent && belongsTo(trigger, agent) && isTriggerEnabled(trigger) ? trigger : undefined;
}

/** The size first (an oversized body costs no secret read), then the secrets, then the scheme's verifier. */
async function verify(deps: Deps, trigger: TriggerRecord, request: WebhookDeliveryRequest): Promise<WebhookVerified | DeliveryRefusal> {
  if (request.rawBody.byteLength > DEFAULT_MAX_BODY_BYTES) {
    return { reason: 'OVERSIZED_BODY', message: `The body has ${request.rawBody.byteLength} bytes, more than the limit of ${DEFAULT_MAX_BODY_BYTES}.` };
  }
  const versions = trigger.fields.secretVersions;
  const secrets = await deps.webhookSecrets.resolve(versions);
  const missing = versions.filter((_, index) => secrets[index] === undefined);
  if (missing.length > 0) return { reason: 'SECRET_NOT_FOUND', message: `The trigger's secret version ${missing.join(', ')} cannot be read.` };
  const verification = webhookVerifiers[triggerSchemes[trigger.fields.scheme]]({
    body: request.rawBody,
    headers: request.headers,
    secrets: secrets as string[],
    now: deps.clock.now(),
  });
  return verification.ok ? verification : { reason: verification.reason, message: verification.message };
}

async function accept(deps: Deps, trigger: TriggerRecord, request: WebhookDeliveryRequest, verified: WebhookVerified): Promise<WebhookDeliveryResponse> {
  const decision = decideDelivery(trigger, verified, request.rawBody);
  const now = deps.clock.now();
  const recordId = acceptedDeliveryRecordId(verified.deliveryId);
  // An authentic delivery the trigger refuses is recorded only if its id never started a run.
  const outcome = await deps.registry.transact(async (tx) => {
    const existing = await tx.getDelivery(trigger.name, recordId);
    if (existing?.runName) return { duplicate: existing.runName };
    if (!decision.ok) return { refused: decision as DeliveryRefusal };
    const started = triggerSubmission(trigger, verified.deliveryId, decision);
    tx.createDelivery({
      schemaVersion: 1,
      id: recordId,
      trigger: trigger.name,
      outcome: 'ACCEPTED',
      deliveryId: verified.deliveryId,
      ...(verified.eventType ? { eventType: verified.eventType } : {}),
      runName: started.runName,
      ...requestSummary(request.headers, request.rawBody),
      createTime: now,
    });
    tx.putOutbox(outboxEntryOf(started.message, now));
    return { started };
  });
  if ('duplicate' in outcome) return { status: 200, body: { run: outcome.duplicate, deliveryId: verified.deliveryId, duplicate: true } };
  if ('refused' in outcome && outcome.refused) return refuse(deps, trigger, request, outcome.refused);
  await publishAfterCommit(deps, [outcome.started.message]);
  const run = outcome.started.runName;
  deps.logger.info('webhook delivery started a run', { trigger: trigger.name, deliveryId: verified.deliveryId, run });
  return { status: 202, body: { run, deliveryId: verified.deliveryId } };
}

/** Records the refusal under the trigger, then answers it. */
async function refuse(deps: Deps, trigger: TriggerRecord, request: WebhookDeliveryRequest, refusal: DeliveryRefusal): Promise<WebhookDeliveryResponse> {
  const record: DeliveryRecord = {
    schemaVersion: 1,
    id: `r${deps.newId().replace(/-/g, '')}`,
    trigger: trigger.name,
    outcome: 'REFUSED',
    ...(refusal.deliveryId ? { deliveryId: refusal.deliveryId } : {}),
    reason: refusal.reason,
    message: refusal.message,
    ...requestSummary(request.headers, request.rawBody),
    createTime: deps.clock.now(),
  };
  await deps.registry.recordRefusedDelivery(record);
  const delivery = `${trigger.name}/deliveries/${record.id}`;
  deps.logger.info('webhook delivery refused', { trigger: trigger.name, reason: refusal.reason, delivery });
  const answer = refusalAnswers[refusal.reason];
  if (answer.http === 200) return { status: 200, body: { delivery, reason: refusal.reason, message: refusal.message } };
  const status = toRpcStatus(new answer.error(refusal.message, { code: refusal.reason, metadata: { trigger: trigger.name, delivery } }));
  return { status: answer.http, body: toErrorBody({ ...status, httpStatus: answer.http }) };
}

function errorAnswer(error: unknown): WebhookDeliveryResponse {
  const status = toRpcStatus(error);
  return { status: status.httpStatus, body: toErrorBody(status) };
}
