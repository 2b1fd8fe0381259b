import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../testing/run-fixtures.ts';
import { extendConversation, maxConversationBytes, maxEventBytes } from './conversation-checkpoint.ts';

describe('extendConversation', () => {
  it('holds the previous events followed by the added ones, counted', () => {
    const result = extendConversation('r1', [sampleEvent(0, 'a')], [sampleEvent(1, 'b'), sampleEvent(2, 'c')], 5);
    expect(result).toEqual({
      checkpoint: { schemaVersion: 1, runId: 'r1', eventCount: 3, events: [sampleEvent(0, 'a'), sampleEvent(1, 'b'), sampleEvent(2, 'c')], createTime: 5 },
    });
  });

  it('keeps a conversation too large for one document in its event documents, saying so', () => {
    const large = Array.from({ length: 4 }, (_, seq) => sampleEvent(seq, 'x'.repeat(maxEventBytes / 3)));
    const result = extendConversation('r1', large.slice(0, 3), large.slice(3), 5);
    expect(result).toEqual({ checkpoint: { schemaVersion: 1, runId: 'r1', eventCount: 4, events: [], inEvents: true, createTime: 5 } });
  });

  it('refuses an event too large for a document of its own, naming the run, the size and the limit', () => {
    const huge = sampleEvent(1, 'x'.repeat(maxEventBytes));
    const result = extendConversation('r1', [sampleEvent(0, 'a')], [huge], 5);
    expect(result).toEqual({ error: { code: 'EVENT_TOO_LARGE', message: expect.stringMatching(/Run r1 .* event of \d+ bytes, over the 1000000-byte limit/) } });
  });

  it('counts bytes, not characters, so multi-byte text cannot slip past the limits', () => {
    const text = 'é'.repeat(maxEventBytes / 2 + 10);
    expect(extendConversation('r1', [], [sampleEvent(0, text)], 5)).toHaveProperty('error.code', 'EVENT_TOO_LARGE');
    const conversation = Array.from({ length: 3 }, (_, seq) => sampleEvent(seq, 'é'.repeat(maxConversationBytes / 5)));
    expect(extendConversation('r1', conversation.slice(0, 2), conversation.slice(2), 5)).toHaveProperty('checkpoint.inEvents', true);
  });
});
