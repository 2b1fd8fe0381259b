import { describe, expect, it } from 'vitest';
import { readQuery, requireEmptyBody } from './request-parameters.ts';

describe('readQuery', () => {
  it('reads snake_case parameters as their lowerCamelCase names and skips harmless system parameters', () => {
    expect(readQuery({ page_size: '5', orderBy: 'name', prettyPrint: 'false', alt: 'json' }, 'agents.list', ['pageSize', 'orderBy'])).toEqual({ pageSize: '5', orderBy: 'name' });
  });

  it('refuses a parameter the method does not have, naming it and what the method accepts', () => {
    expect(() => readQuery({ filter: 'state=ENABLED' }, 'agents.list', ['pageSize', 'pageToken', 'orderBy'])).toThrow(
      'Unknown query parameter "filter" for agents.list; it accepts pageSize, pageToken, orderBy',
    );
    expect(() => readQuery({ force: 'true' }, 'agents.get', [])).toThrow('Unknown query parameter "force" for agents.get; it takes no query parameters');
  });

  it('refuses a response format other than JSON', () => {
    expect(() => readQuery({ alt: 'proto' }, 'agents.get', [])).toThrow(/alt=proto is not supported/);
  });
});

describe('requireEmptyBody', () => {
  it.each([[undefined], [''], [{}], [Buffer.alloc(0)]])('accepts the empty body %j', (body) => {
    expect(() => requireEmptyBody(body, 'agents.enableAgent')).not.toThrow();
  });

  it('refuses a body with fields, naming them', () => {
    expect(() => requireEmptyBody({ force: true }, 'agents.enableAgent')).toThrow('The request body of agents.enableAgent must be empty; got "force"');
  });
});
