import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../testing/run-fixtures.ts';
import { extendConversation, maxConversationBytes } from './conversation-checkpoint.ts';

describe('extendConversation', () => {
  it('holds the previous events followed by the added ones, counted', () => {
    const result = extendConversation('r1', [sampleEvent(0, 'a')], [sampleEvent(1, 'b'), sampleEvent(2, 'c')], 5);
    expect(result).toEqual({
      checkpoint: { schemaVersion: 1, runId: 'r1', eventCount: 3, events: [sampleEvent(0, 'a'), sampleEvent(1, 'b'), sampleEvent(2, 'c')], createTime: 5 },
    });
  });

  it('refuses a conversation that would not fit in one document, naming the run, the size and the limit', () => {
    const huge = sampleEvent(1, 'x'.repeat(maxConversationBytes));
    const result = extendConversation('r1', [sampleEvent(0, 'a')], [huge], 5);
    expect(result).toEqual({ error: { code: 'CONVERSATION_TOO_LARGE', message: expect.stringMatching(/run r1 .* \d+ bytes, over the 1000000-byte limit/) } });
  });

  it('counts bytes, not characters, so multi-byte text cannot slip past the limit', () => {
    const text = 'é'.repeat(maxConversationBytes / 2 + 10);
    expect(extendConversation('r1', [], [sampleEvent(0, text)], 5)).toHaveProperty('error.code', 'CONVERSATION_TOO_LARGE');
  });
});
