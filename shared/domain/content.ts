import { z } from 'zod';

/**
 * Conversation content in Gemini's `Content` shape, kept as our own type so the domain never
 * depends on an SDK. Parts are stored as received: unknown keys (thoughtSignature, thought,
 * inlineData, executableCode ...) must survive byte for byte, so the part schema is open.
 */
export const functionCallSchema = z.object({
  id: z.string().optional(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()).optional(),
});
export type FunctionCall = z.infer<typeof functionCallSchema>;

/**
 * A file of the run's artifacts that a function response shows the model (an image the code
 * drew): stored as this reference, and read into the request only when a model step sends it
 * (docs/architecture.md, "Artifacts"), so the conversation stays small.
 */
export const artifactPartSchema = z.strictObject({ name: z.string(), version: z.number().int().nonnegative(), contentType: z.string() });
export type ArtifactPart = z.infer<typeof artifactPartSchema>;

export const functionResponseSchema = z.object({
  id: z.string().optional(),
  name: z.string(),
  response: z.record(z.string(), z.unknown()),
  /** Files shown with the response; read into the request as Gemini parts by the model step. */
  artifacts: z.array(artifactPartSchema).optional(),
});
export type FunctionResponse = z.infer<typeof functionResponseSchema>;

export const partSchema = z
  .object({
    text: z.string().optional(),
    thought: z.boolean().optional(),
    thoughtSignature: z.string().optional(),
    functionCall: functionCallSchema.optional(),
    functionResponse: functionResponseSchema.optional(),
  })
  .loose();
export type Part = z.infer<typeof partSchema>;

export const contentSchema = z.object({
  role: z.enum(['user', 'model']),
  parts: z.array(partSchema),
});
export type Content = z.infer<typeof contentSchema>;

/** Token usage as Gemini reports it; every field optional because the API omits zeros. */
export const usageSchema = z.object({
  promptTokenCount: z.number().int().nonnegative().optional(),
  candidatesTokenCount: z.number().int().nonnegative().optional(),
  thoughtsTokenCount: z.number().int().nonnegative().optional(),
  toolUsePromptTokenCount: z.number().int().nonnegative().optional(),
  cachedContentTokenCount: z.number().int().nonnegative().optional(),
  totalTokenCount: z.number().int().nonnegative().optional(),
  /** Not Gemini's: seconds of code execution the run's tool calls used (docs/architecture.md, "Code execution"). */
  computeSeconds: z.number().nonnegative().optional(),
});
export type Usage = z.infer<typeof usageSchema>;

export function userText(text: string): Content {
  return { role: 'user', parts: [{ text }] };
}

/** Function calls in the order the model emitted them. */
export function functionCallsOf(content: Content): FunctionCall[] {
  return content.parts.flatMap((part) => (part.functionCall ? [part.functionCall] : []));
}

/** Visible text of a model turn; thought parts are not the answer. */
export function textOf(content: Content): string {
  return content.parts
    .filter((part) => part.text !== undefined && part.thought !== true)
    .map((part) => part.text)
    .join('');
}

/** Adds two usage records field by field (per-run totals are the sum of per-call usage). */
export function addUsage(total: Usage, call: Usage): Usage {
  const sum: Usage = { ...total };
  for (const key of Object.keys(call) as (keyof Usage)[]) {
    sum[key] = (total[key] ?? 0) + (call[key] ?? 0);
  }
  return sum;
}
