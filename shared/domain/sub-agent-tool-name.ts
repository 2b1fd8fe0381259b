/**
 * Function names for sub-agents. Gemini's rule for a function name: starts with a letter or an
 * underscore, then letters, digits, underscores, dots, colons or dashes, at most 64 characters.
 * We keep to letters, digits and underscores (the built-in tools' snake_case), so an agent id
 * `travel-helper` becomes `travel_helper`.
 */
export const maxFunctionNameLength = 64;

/**
 * One function name per registered agent name, in order: derived from the agent id (the last
 * segment of the resource name), sanitized, and made unique against `reserved` (the built-in
 * tool names) and each other with a `_2`, `_3`, ... suffix. Deterministic: the same names and
 * reserved set give the same result.
 */
export function subAgentToolNames(agentNames: readonly string[], reserved: readonly string[]): string[] {
  const taken = new Set(reserved);
  return agentNames.map((agentName) => {
    const base = sanitizeFunctionName(agentName.slice(agentName.lastIndexOf('/') + 1));
    let candidate = base;
    for (let suffix = 2; taken.has(candidate); suffix += 1) {
      const tail = `_${suffix}`;
      candidate = `${base.slice(0, maxFunctionNameLength - tail.length)}${tail}`;
    }
    taken.add(candidate);
    return candidate;
  });
}

/** Any text as a valid function name: other characters become `_`, a leading digit gets `_`. */
export function sanitizeFunctionName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_]/g, '_');
  const started = /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
  return started.slice(0, maxFunctionNameLength);
}

/** `name`, or `name_2`, `name_3`, ... : the first not in `taken` (a toolset's tool beside others of the same name). */
export function uniqueFunctionName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${name.slice(0, 60 - String(suffix).length - 1)}_${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
