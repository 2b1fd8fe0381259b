import type { Content as GeminiContent, GenerateContentParameters, Tool as GeminiTool } from '@google/genai';
import type { ModelRequest } from '../../ports/model-client.ts';

/**
 * Translates our request into the parameters of `ai.models.generateContent` /
 * `generateContentStream`. Pure; contents and parts are copied one level deep, nested values
 * (function arguments, generation config) are shared, and neither the SDK nor we mutate them.
 *
 * Parts are copied key for key: `thoughtSignature` is handed to the SDK exactly as stored, because
 * Gemini rejects or degrades a turn whose signatures were altered. (The SDK itself then sends only
 * the part keys it knows, signatures included.)
 * `tools` is present only when there is at least one declaration, so a tool-less agent sends the
 * same body as a plain prompt.
 */
export function toGeminiRequest(request: ModelRequest): GenerateContentParameters {
  const config: NonNullable<GenerateContentParameters['config']> = {
    // Validated upstream (ADK `generate_content_config`); our own fields below take precedence.
    ...request.generationConfig,
  };
  if (request.systemInstruction !== undefined) {
    config.systemInstruction = { parts: [{ text: request.systemInstruction }] };
  }
  if (request.functionDeclarations.length > 0) {
    config.tools = [toGeminiTool(request)];
  }
  return {
    model: request.model,
    contents: request.contents.map(
      (content): GeminiContent => ({
        role: content.role,
        parts: content.parts.map((part) => ({ ...part })),
      }),
    ),
    config,
  };
}

function toGeminiTool(request: ModelRequest): GeminiTool {
  return {
    functionDeclarations: request.functionDeclarations.map((declaration) => ({
      name: declaration.name,
      description: declaration.description,
      // `parametersJsonSchema` (not `parameters`) takes plain JSON Schema, which is what zod emits.
      parametersJsonSchema: declaration.parametersJsonSchema,
    })),
  };
}
