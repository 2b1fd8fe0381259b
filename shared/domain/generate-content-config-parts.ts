import { z } from 'zod';
import { describeType, isPlainObject, joinPath, readKnownFields, type ConfigProblem } from './config-problems.ts';

/**
 * The nested parts of `generate_content_config`: `thinking_config` and `safety_settings`. Enum
 * values are matched in any letter case, as google-genai's CaseInSensitiveEnum does, and stored
 * upper-case as the API spells them. Unlike google-genai we refuse unknown enum values (it only
 * warns), because the API would reject the request on every model call of the run.
 */

// Values from @google/genai's enums (HarmCategory, HarmBlockThreshold, HarmBlockMethod,
// ThinkingLevel), without the *_UNSPECIFIED placeholders.
const thinkingLevels = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'] as const;
const harmCategories = [
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
  'HARM_CATEGORY_CIVIC_INTEGRITY',
  'HARM_CATEGORY_JAILBREAK',
  'HARM_CATEGORY_IMAGE_HATE',
  'HARM_CATEGORY_IMAGE_DANGEROUS_CONTENT',
  'HARM_CATEGORY_IMAGE_HARASSMENT',
  'HARM_CATEGORY_IMAGE_SEXUALLY_EXPLICIT',
] as const;
const harmBlockThresholds = ['BLOCK_LOW_AND_ABOVE', 'BLOCK_MEDIUM_AND_ABOVE', 'BLOCK_ONLY_HIGH', 'BLOCK_NONE', 'OFF'] as const;
const harmBlockMethods = ['SEVERITY', 'PROBABILITY'] as const;

/** Stored form of `thinking_config`. */
export const thinkingConfigSchema = z.strictObject({
  thinkingBudget: z.number().int().optional(),
  includeThoughts: z.boolean().optional(),
  thinkingLevel: z.enum(thinkingLevels).optional(),
});
export type ThinkingConfig = z.infer<typeof thinkingConfigSchema>;

/** Stored form of one `safety_settings` entry. */
export const safetySettingSchema = z.strictObject({
  category: z.enum(harmCategories),
  threshold: z.enum(harmBlockThresholds),
  method: z.enum(harmBlockMethods).optional(),
});
export type SafetySetting = z.infer<typeof safetySettingSchema>;

/** The upper-cased value when it is one of `allowed`; otherwise records a problem. */
function readEnum<T extends string>(
  value: unknown,
  allowed: readonly T[],
  path: string,
  problems: ConfigProblem[],
): T | undefined {
  const upper = typeof value === 'string' ? value.toUpperCase() : undefined;
  const match = allowed.find((candidate) => candidate === upper);
  if (match === undefined) {
    const shown = typeof value === 'string' ? `"${value}"` : describeType(value);
    problems.push({ path, message: `expected one of ${allowed.join(', ')}, got ${shown}` });
  }
  return match;
}

/**
 * Reads `thinking_config` (`thinking_budget`, `include_thoughts`, `thinking_level`, either
 * spelling). Returns undefined and records problems when it is invalid or empty.
 */
export function readThinkingConfig(value: unknown, path: string, problems: ConfigProblem[]): ThinkingConfig | undefined {
  if (!isPlainObject(value)) {
    problems.push({ path, message: `expected a mapping, got ${describeType(value)}` });
    return undefined;
  }
  const known = ['thinking_budget', 'include_thoughts', 'thinking_level'];
  const read = readKnownFields(value, known, path, { acceptCamelCase: true });
  const before = problems.length;
  problems.push(...read.problems);
  const thinking: ThinkingConfig = {};
  const budget = read.fields.get('thinking_budget');
  if (budget && budget.value !== null) {
    // -1 lets the model decide, 0 turns thinking off; the upper bound depends on the model.
    if (typeof budget.value === 'number' && Number.isInteger(budget.value) && budget.value >= -1) {
      thinking.thinkingBudget = budget.value;
    } else {
      const shown = typeof budget.value === 'number' ? String(budget.value) : describeType(budget.value);
      problems.push({ path: joinPath(path, budget.key), message: `expected an integer of at least -1 (-1 = automatic, 0 = off), got ${shown}` });
    }
  }
  const include = read.fields.get('include_thoughts');
  if (include && include.value !== null) {
    if (typeof include.value === 'boolean') thinking.includeThoughts = include.value;
    else problems.push({ path: joinPath(path, include.key), message: `expected a boolean, got ${describeType(include.value)}` });
  }
  const level = read.fields.get('thinking_level');
  if (level && level.value !== null) {
    const parsed = readEnum(level.value, thinkingLevels, joinPath(path, level.key), problems);
    if (parsed !== undefined) thinking.thinkingLevel = parsed;
  }
  if (thinking.thinkingBudget !== undefined && thinking.thinkingLevel !== undefined) {
    // The Gemini API answers 400 when a request sets both.
    problems.push({ path, message: 'set thinking_budget or thinking_level, not both' });
  }
  if (problems.length > before || Object.keys(thinking).length === 0) return undefined;
  return thinking;
}

/**
 * Reads `safety_settings`: a list of `{category, threshold, method?}`, each category at most
 * once. Returns undefined and records problems when any entry is invalid.
 */
export function readSafetySettings(value: unknown, path: string, problems: ConfigProblem[]): SafetySetting[] | undefined {
  if (!Array.isArray(value)) {
    problems.push({ path, message: `expected a list of {category, threshold}, got ${describeType(value)}` });
    return undefined;
  }
  const before = problems.length;
  const settings: SafetySetting[] = [];
  const seen = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const entryPath = joinPath(path, index);
    if (!isPlainObject(entry)) {
      problems.push({ path: entryPath, message: `expected a mapping with category and threshold, got ${describeType(entry)}` });
      return;
    }
    const read = readKnownFields(entry, ['category', 'threshold', 'method'], entryPath, { acceptCamelCase: true });
    problems.push(...read.problems);
    const category = read.fields.get('category');
    const threshold = read.fields.get('threshold');
    const method = read.fields.get('method');
    if (!category) problems.push({ path: entryPath, message: 'category is required' });
    if (!threshold) problems.push({ path: entryPath, message: 'threshold is required' });
    const setting = {
      category: category && readEnum(category.value, harmCategories, joinPath(entryPath, 'category'), problems),
      threshold: threshold && readEnum(threshold.value, harmBlockThresholds, joinPath(entryPath, 'threshold'), problems),
      method: method && method.value !== null ? readEnum(method.value, harmBlockMethods, joinPath(entryPath, 'method'), problems) : undefined,
    };
    if (setting.category && seen.has(setting.category)) {
      problems.push({ path: joinPath(entryPath, 'category'), message: `${setting.category} is set more than once` });
    }
    if (setting.category) seen.add(setting.category);
    if (setting.category && setting.threshold) {
      settings.push({ category: setting.category, threshold: setting.threshold, ...(setting.method ? { method: setting.method } : {}) });
    }
  });
  return problems.length > before ? undefined : settings;
}
