import { describe, expect, it } from 'vitest';
import { readHeader } from './read-header.ts';

describe('readHeader', () => {
  it.each([['webhook-id'], ['Webhook-Id'], ['WEBHOOK-ID']])('finds the header whatever the case of its name (%s)', (sentName) => {
    expect(readHeader({ [sentName]: 'msg_1' }, 'Webhook-ID')).toBe('msg_1');
  });

  it.each([
    ['absent', {}],
    ['undefined', { 'webhook-id': undefined }],
    ['empty', { 'webhook-id': '' }],
    ['blank', { 'webhook-id': '  ' }],
    ['an empty list', { 'webhook-id': [] }],
  ])('is MISSING_HEADER when %s', (_case, headers) => {
    expect(readHeader(headers, 'webhook-id')).toEqual({ ok: false, reason: 'MISSING_HEADER', message: 'The webhook-id header is missing.' });
  });

  it.each([
    ['sent as two values', { 'webhook-id': ['a', 'b'] }],
    ['sent under two spellings', { 'webhook-id': 'a', 'Webhook-Id': 'b' }],
  ])('is MALFORMED_HEADER when %s, rather than guessing which one was signed', (_case, headers) => {
    expect(readHeader(headers, 'webhook-id')).toMatchObject({ ok: false, reason: 'MALFORMED_HEADER' });
  });

  it('keeps the value as sent, without trimming it', () => {
    expect(readHeader({ 'webhook-id': ' msg_1 ' }, 'webhook-id')).toBe(' msg_1 ');
  });
});
