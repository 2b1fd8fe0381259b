import { Timestamp, type DocumentData } from '@google-cloud/firestore';

/**
 * How a record is laid out in Firestore. Top-level `...Time` numbers (epoch ms) become Firestore
 * Timestamps, as the data contract asks. Fields carrying model or tool payloads are stored as
 * JSON strings: Firestore rejects arrays nested in arrays, which function arguments may contain,
 * and the payload must come back byte for byte (thought signatures included).
 */
export interface FirestoreCodec {
  jsonFields: readonly string[];
}

export const codecs = {
  run: { jsonFields: ['next'] },
  step: { jsonFields: ['input', 'result', 'outbox'] },
  event: { jsonFields: ['content'] },
  // Tool arguments and results are arbitrary JSON (arrays in arrays).
  stream: { jsonFields: ['data'] },
  conversation: { jsonFields: ['events'] },
  join: { jsonFields: ['outbox'] },
  outbox: { jsonFields: ['data'] },
  // Attempts keep their epoch-ms times as numbers inside the list (only top-level times become Timestamps).
  callback: { jsonFields: ['attempts'] },
  sessionEntry: { jsonFields: ['contents'] },
  agent: { jsonFields: [] },
  // An operation's response embeds a whole Agent; kept byte for byte as JSON.
  operation: { jsonFields: ['response', 'error'] },
  plain: { jsonFields: [] },
} satisfies Record<string, FirestoreCodec>;

export function toFirestore(record: object, codec: FirestoreCodec): DocumentData {
  const data: DocumentData = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (codec.jsonFields.includes(key)) data[key] = JSON.stringify(value);
    else if (key.endsWith('Time') && typeof value === 'number') data[key] = Timestamp.fromMillis(value);
    else data[key] = value;
  }
  return data;
}

export function fromFirestore(data: DocumentData, codec: FirestoreCodec): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (codec.jsonFields.includes(key) && typeof value === 'string') record[key] = JSON.parse(value);
    else if (value instanceof Timestamp) record[key] = value.toMillis();
    else record[key] = value;
  }
  return record;
}
