import type { Delivery } from '../../engine/delivery.ts';

interface PushMessage {
  data?: string;
  attributes?: Record<string, string>;
  messageId?: string;
  message_id?: string;
  publishTime?: string;
  publish_time?: string;
}

/**
 * Turns what functions-framework hands a Pub/Sub CloudEvent function into a Delivery. The push
 * message is under `data.message`; a push with empty data is not converted by the framework and
 * arrives as the raw push body, so `message` at the top level is accepted too. The topic is in
 * `source` only when the push URL names it, so `fallbackSource` names the function's topic.
 */
export function deliveryFromCloudEvent(event: unknown, fallbackSource: string): Delivery {
  const envelope = event as { id?: string; source?: string; data?: { message?: PushMessage }; message?: PushMessage };
  const message = envelope.data?.message ?? envelope.message ?? {};
  const topic = /topics\/([^/]+)$/.exec(envelope.source ?? '')?.[1];
  const publishTime = Date.parse(message.publishTime ?? message.publish_time ?? '');
  return {
    messageId: message.messageId ?? message.message_id ?? envelope.id ?? 'unknown',
    data: Buffer.from(message.data ?? '', 'base64'),
    attributes: { ...message.attributes },
    source: topic ?? fallbackSource,
    ...(Number.isFinite(publishTime) ? { publishTime } : {}),
  };
}
