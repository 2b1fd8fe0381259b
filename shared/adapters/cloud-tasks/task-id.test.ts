import { describe, expect, it } from 'vitest';
import { taskIdForKey, taskNameForKey } from './task-id.ts';

// What Cloud Tasks accepts as a task id (letters, digits, hyphens, underscores; at most 500).
const validTaskId = /^[A-Za-z0-9_-]{1,500}$/;

describe('taskIdForKey', () => {
  it.each([
    ['run-1-3-model-0-2'],
    ['runs/abc/steps/1-tool-0 attempt#2'],
    ['ünïcödé-ключ-🔑'],
    ['line\nbreak\ttab\u0000nul'],
    ['..'],
    [''],
    ['x'.repeat(10_000)],
  ])('maps %j to a valid task id', (key) => {
    expect(taskIdForKey(key)).toMatch(validTaskId);
  });

  it.each([
    ['a character a task id cannot hold', 'run/1', 'run:1'],
    ['case', 'Run-1', 'run-1'],
    ['a character beyond the 500 a task id can hold', `${'x'.repeat(500)}a`, `${'x'.repeat(500)}b`],
    ['a non-Latin-1 character whose low byte matches another', '\u0101', '\u0001'],
    ['a trailing space', 'run-1', 'run-1 '],
  ])('gives distinct ids to keys that differ only in %s', (_case, key, otherKey) => {
    expect(taskIdForKey(key)).not.toBe(taskIdForKey(otherKey));
  });

  // FIPS 180-2 test vectors: pinning the function keeps ids, and so deduplication, stable across releases.
  it.each([
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ])('is the SHA-256 in hex of %j', (key, sha256) => {
    expect(taskIdForKey(key)).toBe(sha256);
  });
});

describe('taskNameForKey', () => {
  it("places the key's id under the queue's tasks", () => {
    expect(taskNameForKey('projects/p/locations/l/queues/q', 'abc')).toBe(
      'projects/p/locations/l/queues/q/tasks/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
