import type { z } from 'zod';
import { InvalidInputError } from '../domain/errors.ts';
import { describeIssues } from '../domain/describe-issues.ts';
import { stepMessageSchema, type StepMessage } from '../domain/step.ts';

/** One Pub/Sub message as a handler sees it, independent of how it was delivered. */
export interface Delivery {
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  /** Where it came from (topic name), for rejection records. */
  source: string;
  /** When Pub/Sub accepted the message (its server's clock, epoch ms); absent where the transport gives none. */
  publishTime?: number;
}

/** Submissions carry agent YAML and input text; anything past this is refused, not truncated. */
export const maxMessageBytes = 1_000_000;

/**
 * Parses a message body as JSON and validates it. Throws InvalidInputError naming the
 * problem: empty, oversized, not JSON, or which fields are wrong.
 */
export function decodeJsonMessage<Schema extends z.ZodType>(
  delivery: Delivery,
  schema: Schema,
  what: string,
): z.infer<Schema> {
  if (delivery.data.length === 0) throw new InvalidInputError(`${what}: the message is empty`);
  if (delivery.data.length > maxMessageBytes) {
    throw new InvalidInputError(
      `${what}: the message is ${delivery.data.length} bytes; the limit is ${maxMessageBytes}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(delivery.data.toString('utf8'));
  } catch (error) {
    throw new InvalidInputError(`${what}: the message is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidInputError(`${what}: ${describeIssues(parsed.error.issues)}`, { cause: parsed.error });
  }
  return parsed.data;
}

export function decodeStepMessage(delivery: Delivery): StepMessage {
  return decodeJsonMessage(delivery, stepMessageSchema, `Step message on ${delivery.source}`);
}
