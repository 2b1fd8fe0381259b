import type { GoogleGenAIOptions } from '@google/genai';
import { InvalidInputError } from '../../domain/errors.ts';

/**
 * Constructor options for `new GoogleGenAI(...)` in the composition root.
 *
 * Deliberately `{}`: @google/genai v3.1.0 reads its whole standard environment from `process.env`
 * itself when an option is absent: `GOOGLE_API_KEY` (wins) / `GEMINI_API_KEY`,
 * `GOOGLE_GENAI_USE_VERTEXAI` (and `GOOGLE_GENAI_USE_ENTERPRISE`, which wins), `GOOGLE_CLOUD_PROJECT`,
 * `GOOGLE_CLOUD_LOCATION`, `GOOGLE_GEMINI_BASE_URL` / `GOOGLE_VERTEX_BASE_URL` and
 * `GOOGLE_GENAI_API_VERSION`. Passing any of them explicitly would change the SDK's precedence
 * rules (an explicit API key beats an implicit project, a base URL option beats the variable), so
 * the SDK stays the one place that interprets them.
 *
 * What it adds is an early, named failure: on the Gemini API the SDK only logs a warning when no
 * key is set and then every call fails. Pass the same environment the SDK will see
 * (`process.env`). Throws `InvalidInputError` naming the missing variables.
 */
export function genAiOptionsFromEnv(env: Record<string, string | undefined>): GoogleGenAIOptions {
  const missing = missingSettings(env);
  if (missing !== undefined) {
    throw new InvalidInputError(`@google/genai is not configured: set ${missing}`, {
      code: 'MODEL_NOT_CONFIGURED',
    });
  }
  return {};
}

// Mirrors only the SDK's choice of backend (env flags compared case-insensitively to "true").
function usesVertexAi(env: Record<string, string | undefined>): boolean {
  const flag = env.GOOGLE_GENAI_USE_ENTERPRISE?.trim() ?? env.GOOGLE_GENAI_USE_VERTEXAI?.trim();
  return flag?.toLowerCase() === 'true';
}

function isSet(env: Record<string, string | undefined>, name: string): boolean {
  return (env[name]?.trim() ?? '') !== '';
}

function missingSettings(env: Record<string, string | undefined>): string | undefined {
  const hasApiKey = isSet(env, 'GOOGLE_API_KEY') || isSet(env, 'GEMINI_API_KEY');
  if (!usesVertexAi(env)) {
    return hasApiKey ? undefined : 'GEMINI_API_KEY (or GOOGLE_API_KEY)';
  }
  // Vertex AI authenticates with ADC for a project (location defaults to "global"), with an
  // express-mode API key, or not at all behind a custom base URL.
  const hasVertexAuth =
    isSet(env, 'GOOGLE_CLOUD_PROJECT') || hasApiKey || isSet(env, 'GOOGLE_VERTEX_BASE_URL');
  return hasVertexAuth ? undefined : 'GOOGLE_CLOUD_PROJECT (with GOOGLE_CLOUD_LOCATION) or GOOGLE_API_KEY';
}
