import { createHash } from 'node:crypto';
import { outboxIdOf } from '../outbox.ts';
import type { OutboxMessage } from '../step.ts';
import { deriveRunId, submissionSchema, type Submission } from '../submission.ts';
import type { WebhookVerified } from '../../webhooks/index.ts';
import type { DeliveryRefusal } from './delivery-record.ts';
import { parseInputTemplate, renderInputTemplate } from './input-template.ts';
import type { TriggerRecord } from './trigger-record.ts';

/** What an authentic delivery becomes: the run's input and session, or why it starts none. */
export type DeliveryDecision = { ok: true; input: string; sessionId?: string } | ({ ok: false } & DeliveryRefusal);

const maxInputLength = submissionSchema.shape.input.maxLength ?? 200_000;
const sessionIdSchema = submissionSchema.shape.sessionId.unwrap();

/**
 * Decides what an authentic delivery does (docs/architecture.md, "Webhook triggers"): the body must
 * be JSON; its event type (the scheme's, else the payload's `type`) and `action` must pass the
 * filter; the input and session templates must find every path. Pure.
 */
export function decideDelivery(trigger: TriggerRecord, verified: WebhookVerified, body: Uint8Array): DeliveryDecision {
  const refuse = (reason: DeliveryRefusal['reason'], message: string): DeliveryDecision => ({ ok: false, reason, message, deliveryId: verified.deliveryId });
  const payload = parseJsonBody(body);
  if (payload === undefined) return refuse('MALFORMED_BODY', 'The body is not UTF-8 JSON.');
  const fields = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  const eventType = verified.eventType ?? (typeof fields['type'] === 'string' ? fields['type'] : undefined);
  const action = typeof fields['action'] === 'string' ? fields['action'] : undefined;
  const { eventTypes = [], actions = [] } = trigger.fields.filter ?? {};
  if (eventTypes.length > 0 && (eventType === undefined || !eventTypes.includes(eventType))) {
    return refuse('FILTERED_OUT', `Event type ${eventType === undefined ? '(none)' : `"${eventType}"`} is not one of the filter's eventTypes (${eventTypes.join(', ')}).`);
  }
  if (actions.length > 0 && (action === undefined || !actions.includes(action))) {
    return refuse('FILTERED_OUT', `Action ${action === undefined ? '(none)' : `"${action}"`} is not one of the filter's actions (${actions.join(', ')}).`);
  }

  const input = renderInputTemplate(parseInputTemplate(trigger.fields.inputTemplate), payload);
  if (!input.ok) return refuse('TEMPLATE_PATH_MISSING', `inputTemplate: the payload's ${input.path} ${input.problem}.`);
  if (input.text.length === 0 || input.text.length > maxInputLength) {
    return refuse('INVALID_INPUT', `The rendered input has ${input.text.length} characters; a run's input has 1 to ${maxInputLength}.`);
  }
  const session = trigger.fields.session ?? {};
  if ('sessionId' in session) return { ok: true, input: input.text, sessionId: session.sessionId };
  if (!('sessionIdTemplate' in session)) return { ok: true, input: input.text };
  const sessionId = renderInputTemplate(parseInputTemplate(session.sessionIdTemplate, 'session.sessionIdTemplate'), payload);
  if (!sessionId.ok) return refuse('TEMPLATE_PATH_MISSING', `session.sessionIdTemplate: the payload's ${sessionId.path} ${sessionId.problem}.`);
  if (!sessionIdSchema.safeParse(sessionId.text).success) {
    return refuse('INVALID_SESSION_ID', 'session.sessionIdTemplate renders no session id (1-128 letters, digits or ._:@-, starting with a letter or digit).');
  }
  return { ok: true, input: input.text, sessionId: sessionId.text };
}

function parseJsonBody(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The idempotency key of a delivery's run. Hashed, because a trigger name and a 256-character
 * delivery id together exceed a submission's 256-character key; the same delivery always gives
 * the same key, so a redelivery (or a re-published submission) names the same run.
 */
export function deliveryIdempotencyKey(triggerName: string, deliveryId: string): string {
  return `trigger:${createHash('sha256').update(`${triggerName}\n${deliveryId}`).digest('hex').slice(0, 48)}`;
}

/** The run a delivery starts: on the trusted submissions topic, for the trigger's creator. */
export function triggerSubmission(trigger: TriggerRecord, deliveryId: string, decision: { input: string; sessionId?: string }): { runName: string; message: OutboxMessage } {
  const idempotencyKey = deliveryIdempotencyKey(trigger.name, deliveryId);
  const submission: Submission = {
    schemaVersion: 1,
    agent: { name: trigger.agent },
    input: decision.input,
    ...(trigger.fields.runConfig ? { runConfig: trigger.fields.runConfig } : {}),
    ...(decision.sessionId ? { sessionId: decision.sessionId } : {}),
    userId: trigger.creator,
    idempotencyKey,
  };
  // A keyed submission's run id does not depend on the message id.
  const runId = deriveRunId({ idempotencyKey, userId: trigger.creator, topic: 'trusted' }, '');
  return {
    runName: `runs/${runId}`,
    message: { topic: 'trusted-submissions', data: submission, id: outboxIdOf('trigger-run', trigger.name, deliveryId) },
  };
}

/** The document id of a delivery id's create-once record (delivery ids may hold `/`). */
export function acceptedDeliveryRecordId(deliveryId: string): string {
  return `a${createHash('sha256').update(deliveryId).digest('hex').slice(0, 40)}`;
}
