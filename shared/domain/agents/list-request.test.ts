import { describe, expect, it } from 'vitest';
import { sampleAgentRecord } from '../../testing/agent-fixtures.ts';
import { parseOrderBy, parsePageSize, selectPage } from './list-request.ts';
import { createPageTokenCodec } from './page-token.ts';

describe('parsePageSize', () => {
  it.each([
    [undefined, 100],
    ['0', 100],
    ['7', 7],
    ['1000', 1000],
    ['1001', 1000],
    ['99999', 1000],
    ['2147483647', 1000],
  ])('%s gives %d', (raw, expected) => {
    expect(parsePageSize(raw)).toBe(expected);
  });

  it.each([['-1'], ['abc'], ['2.5'], ['2147483648'], ['99999999999999999999']])('refuses %s', (raw) => {
    expect(() => parsePageSize(raw)).toThrow(/pageSize/);
  });
});

describe('parseOrderBy', () => {
  it('reads a field with its direction in snake_case or camelCase, createTime ascending by default', () => {
    expect(parseOrderBy('display_name desc')).toEqual({ field: 'displayName', descending: true });
    expect(parseOrderBy(' updateTime ASC ')).toEqual({ field: 'updateTime', descending: false });
    expect(parseOrderBy(undefined)).toEqual({ field: 'createTime', descending: false });
  });

  it.each([['colour'], ['name sideways'], ['name desc extra']])('refuses %s', (raw) => {
    expect(() => parseOrderBy(raw)).toThrow(/orderBy/);
  });

  it('refuses a second field, since every ordering is one indexed query', () => {
    expect(() => parseOrderBy('state, createTime desc')).toThrow('orderBy: order by one field (ties are broken by name), got "state, createTime desc"');
  });
});

describe('selectPage', () => {
  const records = ['c', 'a', 'b', 'd', 'e'].map((id, index) => sampleAgentRecord(id, { createTime: 1000 + index }));

  it('pages through every record once, in order, with no cursor after the last page', () => {
    const order = parseOrderBy('name');
    const first = selectPage(records, order, 2, undefined);
    const second = selectPage(records, order, 2, first.nextCursor);
    const third = selectPage(records, order, 2, second.nextCursor);
    expect([...first.page, ...second.page, ...third.page].map((record) => record.name.split('/').pop())).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(third.nextCursor).toBeUndefined();
  });

  it('gives no cursor when the page holds exactly the remaining records', () => {
    expect(selectPage(records, parseOrderBy(undefined), 5, undefined).nextCursor).toBeUndefined();
  });

  it('orders descending when asked', () => {
    expect(selectPage(records, parseOrderBy('createTime desc'), 1, undefined).page[0]?.name).toMatch(/agents\/e$/);
  });

  it('breaks ties by name ascending in either direction', () => {
    const tied = ['b', 'a', 'c'].map((id) => sampleAgentRecord(id, { state: 'ENABLED' }));
    for (const order of [parseOrderBy('state'), parseOrderBy('state desc')]) {
      expect(selectPage(tied, order, 3, undefined).page.map((record) => record.name.split('/').pop())).toEqual(['a', 'b', 'c']);
    }
  });
});

describe('page tokens', () => {
  const codec = createPageTokenCodec('secret');
  const parameters = { parent: 'p', orderBy: 'name' };

  it('round-trips a cursor for the same parameters and is not readable base64 of it', () => {
    const token = codec.encode(['b', 'name-b'], parameters);
    expect(codec.decode(token, parameters)).toEqual(['b', 'name-b']);
    expect(Buffer.from(token, 'base64url').toString('utf8')).not.toContain('name-b');
  });

  it('refuses a token replayed with different parameters, a forged one and one from another key', () => {
    const token = codec.encode(['b'], parameters);
    expect(() => codec.decode(token, { ...parameters, orderBy: 'createTime' })).toThrow(/pageToken/);
    expect(() => codec.decode(Buffer.from('["b"]').toString('base64'), parameters)).toThrow(/pageToken/);
    expect(() => createPageTokenCodec('other').decode(token, parameters)).toThrow(/pageToken/);
  });
});
