import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { GeminiResponseJson } from '../adapters/genai/from-gemini-response.ts';
import type { RecordedRequest, Reply } from './gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from './gemini-wire-server.ts';

const responseJsonSchema = z.custom<GeminiResponseJson>((value) => typeof value === 'object' && value !== null);

/** What an incoming request must look like to get the recorded reply. */
const expectedRequestSchema = z.object({
  model: z.string(),
  /** Names of the `functionResponse` parts in the request's last content, in order. */
  functionResponseNames: z.array(z.string()),
  /** Text of the last user content, when the turn is a user message. */
  lastUserText: z.string().optional(),
});
export type ExpectedRequest = z.infer<typeof expectedRequestSchema>;

/** A recorded conversation: Gemini wire replies in the order they were served. */
export const geminiRecordingSchema = z.object({
  schemaVersion: z.literal(1),
  note: z.string(),
  exchanges: z.array(
    z.object({
      request: expectedRequestSchema,
      reply: z.union([
        z.object({ response: responseJsonSchema, delayMs: z.number().optional() }),
        z.object({ chunks: z.array(responseJsonSchema), delayMs: z.number().optional() }),
        z.object({
          error: z.object({
            code: z.number(),
            status: z.string(),
            message: z.string(),
            retryDelay: z.string().optional(),
          }),
          delayMs: z.number().optional(),
        }),
      ]),
    }),
  ),
});
export type GeminiRecording = z.infer<typeof geminiRecordingSchema>;

/** Reads and validates a recording file; throws naming the file when it is not one. */
export async function loadGeminiRecording(path: string): Promise<GeminiRecording> {
  const parsed = geminiRecordingSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is not a Gemini recording: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * Serves a recording in order through the wire server, for demos without credentials. Each
 * request is checked against the recorded one (model, function response names in order, user
 * text); a request that diverges, or comes after the last exchange, gets a 500 whose message says
 * what differed and is listed in `unexpectedCalls`. `assertAllRepliesUsed` also fails while
 * exchanges remain.
 */
export async function startGeminiReplayServer(
  recording: GeminiRecording,
  options: { port?: number } = {},
): Promise<GeminiWireServer> {
  let next = 0;
  const respond = (request: RecordedRequest): Reply => {
    const exchange = recording.exchanges[next];
    if (exchange === undefined) throw new Error(`the recording has only ${recording.exchanges.length} exchanges`);
    const divergence = describeDivergence(exchange.request, request);
    if (divergence !== undefined) throw new Error(`diverges from recorded exchange ${next + 1}: ${divergence}`);
    next += 1;
    return exchange.reply;
  };
  const server = await startGeminiWireServer({ ...options, respond });
  return {
    ...server,
    assertAllRepliesUsed: () => {
      server.assertAllRepliesUsed();
      const left = recording.exchanges.length - next;
      if (left > 0) throw new Error(`Gemini replay: ${left} recorded exchanges were never requested`);
    },
  };
}

/** Why a request does not match the recorded one, or undefined when it does. */
export function describeDivergence(expected: ExpectedRequest, actual: RecordedRequest): string | undefined {
  if (actual.model !== expected.model) return `model ${actual.model}, recorded ${expected.model}`;
  const last = actual.body.contents.at(-1);
  const names = (last?.parts ?? []).flatMap((part) => (part.functionResponse ? [part.functionResponse.name] : []));
  if (names.join(',') !== expected.functionResponseNames.join(',')) {
    return `function responses [${names.join(', ')}], recorded [${expected.functionResponseNames.join(', ')}]`;
  }
  if (expected.lastUserText !== undefined) {
    const text = (last?.parts ?? []).map((part) => part.text ?? '').join('');
    if (text !== expected.lastUserText) {
      return `user text ${JSON.stringify(text)}, recorded ${JSON.stringify(expected.lastUserText)}`;
    }
  }
  return undefined;
}
