import { InvalidInputError } from '../errors.ts';

/** One step of a path: an object key, or an array index. */
type PathStep = { key: string } | { index: number };

/** A template split into literal text and `{{ path }}` placeholders. */
export type InputTemplate = readonly (string | { path: string; steps: readonly PathStep[] })[];

/** The outcome of rendering: the text, or the first placeholder whose path the payload lacks. */
export type Rendering = { ok: true; text: string } | { ok: false; path: string; problem: string };

export const maxTemplateLength = 10_000;
const placeholderPattern = /\{\{\s*([^{}]*?)\s*\}\}/g;
// Keys are JSON property names without dots, brackets, braces or spaces; indexes are decimal.
const pathPattern = /^[^.[\]{}\s]+(?:\.[^.[\]{}\s]+|\[\d{1,6}\])*$/;

/**
 * Parses a trigger's input template: text with `{{ issue.title }}`-style placeholders, each a path
 * into the JSON payload (`a.b`, `items[0].name`). Strict: a brace that does not belong to a
 * well-formed placeholder is INVALID_ARGUMENT naming it, so a typo fails when the trigger is
 * written, never at delivery time.
 */
export function parseInputTemplate(template: string, field = 'inputTemplate'): InputTemplate {
  if (template.length === 0 || template.length > maxTemplateLength) {
    throw new InvalidInputError(`${field} must be 1 to ${maxTemplateLength} characters`, { code: 'INVALID_TRIGGER', metadata: { field } });
  }
  const parts: (string | { path: string; steps: PathStep[] })[] = [];
  let last = 0;
  for (const match of template.matchAll(placeholderPattern)) {
    const path = match[1]!;
    if (!pathPattern.test(path)) {
      throw new InvalidInputError(`${field}: "{{ ${path} }}" is not a path such as issue.title or items[0].name`, { code: 'INVALID_TRIGGER', metadata: { field, path } });
    }
    parts.push(literal(template.slice(last, match.index), field), { path, steps: stepsOf(path) });
    last = match.index + match[0].length;
  }
  parts.push(literal(template.slice(last), field));
  return parts.filter((part) => part !== '');
}

function literal(text: string, field: string): string {
  if (text.includes('{{') || text.includes('}}')) {
    throw new InvalidInputError(`${field}: unbalanced "{{" or "}}" in "${text.slice(0, 80)}"`, { code: 'INVALID_TRIGGER', metadata: { field } });
  }
  return text;
}

function stepsOf(path: string): PathStep[] {
  return path
    .replace(/\[(\d+)\]/g, '.[$1]')
    .split('.')
    .map((step) => (step.startsWith('[') ? { index: Number(step.slice(1, -1)) } : { key: step }));
}

/**
 * Renders the template over a parsed JSON payload. Strings are inserted as they are, numbers and
 * booleans as JSON, objects and arrays as compact JSON. A path the payload lacks, or whose value
 * is null, is a refusal naming the path, never the text "undefined" in the run's input. Only the
 * payload's own properties are read (`constructor` is a missing key, not Object's).
 */
export function renderInputTemplate(template: InputTemplate, payload: unknown): Rendering {
  let text = '';
  for (const part of template) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const value = valueAt(payload, part.steps);
    if (value === undefined || value === null) return { ok: false, path: part.path, problem: value === null ? 'is null' : 'is missing' };
    text += typeof value === 'string' ? value : JSON.stringify(value);
  }
  return { ok: true, text };
}

function valueAt(payload: unknown, steps: readonly PathStep[]): unknown {
  let current = payload;
  for (const step of steps) {
    if ('index' in step) {
      if (!Array.isArray(current) || step.index >= current.length) return undefined;
      current = current[step.index];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, step.key)) return undefined;
      current = (current as Record<string, unknown>)[step.key];
    }
  }
  return current;
}
