import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const cloudSdk = /from '(@google-cloud\/[^']+|@google\/genai[^']*|@a2a-js\/sdk[^']*|undici)'/g;

// Composition roots and adapters may import cloud SDKs; the domain, ports, steps and tools may not.
// The A2A test server is a remote agent for tests, built with the SDK's server side.
const allowed = [/^shared\/adapters\//, /^shared\/wiring\//, /^shared\/local-stack\//, /^functions\//, /^jobs\/[^/]+\/main\.ts$/, /^shared\/testing\/a2a-test-server\.ts$/];

function sourceFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

describe('architecture', () => {
  it('keeps cloud SDK imports inside adapters and composition roots', () => {
    const offenders = ['shared', 'functions', 'jobs', 'cli', 'infra'].flatMap((folder) =>
      sourceFiles(join(root, folder)).flatMap((file) => {
        if (allowed.some((pattern) => pattern.test(file))) return [];
        const imports = [...readFileSync(join(root, file), 'utf8').matchAll(cloudSdk)].map((match) => match[1]);
        return imports.map((sdk) => `${file} imports ${sdk}`);
      }),
    );
    expect(offenders).toEqual([]);
  });
});
