import { describe, expect, it } from 'vitest';
import { deliveryFromCloudEvent } from './delivery-from-cloud-event.ts';

describe('deliveryFromCloudEvent', () => {
  it('decodes the base64 message data, attributes, message id and topic of a push CloudEvent', () => {
    const delivery = deliveryFromCloudEvent(
      {
        id: 'event-1',
        source: '//pubsub.googleapis.com/projects/p/topics/agentline-step-model',
        data: { message: { data: Buffer.from('{"a":1}').toString('base64'), attributes: { k: 'v' }, messageId: '42' } },
      },
      'fallback',
    );
    expect(delivery).toEqual({ messageId: '42', data: Buffer.from('{"a":1}'), attributes: { k: 'v' }, source: 'agentline-step-model' });
  });

  it('accepts the raw push body the framework passes through for a message with empty data', () => {
    const delivery = deliveryFromCloudEvent({ message: { message_id: '7', attributes: {} } }, 'agentline-tasks');
    expect(delivery).toEqual({ messageId: '7', data: Buffer.alloc(0), attributes: {}, source: 'agentline-tasks' });
  });
});
