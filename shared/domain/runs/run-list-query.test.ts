import { describe, expect, it } from 'vitest';
import { parseRunFilter } from './run-list-query.ts';

describe('parseRunFilter', () => {
  it.each([
    ['', {}],
    ['state = "RUNNING"', { state: 'RUNNING' }],
    ['agent = "projects/p/agents/a" AND session_id = "s1"', { agentName: 'projects/p/agents/a', sessionId: 's1' }],
    ['createTime >= "2026-01-01T00:00:00Z" AND create_time < "2026-01-02T00:00:00Z"', { createdFrom: Date.parse('2026-01-01T00:00:00Z'), createdBefore: Date.parse('2026-01-02T00:00:00Z') }],
  ])('reads %j', (filter, expected) => {
    expect(parseRunFilter(filter)).toEqual(expected);
  });

  it.each([
    'state = "RUNNING" OR state = "FAILED"',
    'NOT state = "RUNNING"',
    'state = RUNNING',
    'state = "DONE"',
    'user = "ada"',
    'state >= "RUNNING"',
    'create_time = "2026-01-01T00:00:00Z"',
    'create_time >= "yesterday"',
    'state = "RUNNING" AND state = "FAILED"',
  ])('refuses %j with INVALID_FILTER', (filter) => {
    expect(() => parseRunFilter(filter)).toThrow(expect.objectContaining({ code: 'INVALID_FILTER' }));
  });
});
