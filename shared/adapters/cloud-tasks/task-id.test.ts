import { describe, expect, it } from 'vitest';
import { taskIdForKey, taskNameForKey } from './task-id.ts';

// What Cloud Tasks accepts as a task id.
const validTaskId = /^[A-Za-z0-9_-]{1,500}$/;

describe('taskIdForKey', () => {
  it.each([
    ['run-1-3-model-0-2'],
    ['runs/abc/steps/1-tool-0 attempt#2'],
    ['ünïcödé-ключ-🔑'],
    [''],
    ['x'.repeat(10_000)],
  ])('maps %j to a valid task id', (key) => {
    expect(taskIdForKey(key)).toMatch(validTaskId);
  });

  it('returns the same id for the same key on every call', () => {
    expect(taskIdForKey('run-1-3-model-0-2')).toBe(taskIdForKey('run-1-3-model-0-2'));
  });

  it('returns different ids for keys that differ only in characters a task id cannot hold', () => {
    expect(taskIdForKey('run/1')).not.toBe(taskIdForKey('run:1'));
  });

  it('is the SHA-256 of the key in hex, so ids stay stable across releases', () => {
    expect(taskIdForKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('taskNameForKey', () => {
  it('places the id under the queue', () => {
    expect(taskNameForKey('projects/p/locations/l/queues/q', 'abc')).toBe(
      'projects/p/locations/l/queues/q/tasks/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
