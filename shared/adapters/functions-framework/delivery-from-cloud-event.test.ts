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

describe('deliveryFromCloudEvent publish time', () => {
  it('reads the publish time Pub/Sub stamped on the message, in either spelling of the push format', () => {
    const camel = deliveryFromCloudEvent({ data: { message: { messageId: '1', publishTime: '2026-12-04T10:00:00.123Z' } } }, 't');
    const snake = deliveryFromCloudEvent({ message: { message_id: '2', publish_time: '2026-12-04T10:00:01Z' } }, 't');
    expect(camel.publishTime).toBe(Date.parse('2026-12-04T10:00:00.123Z'));
    expect(snake.publishTime).toBe(Date.parse('2026-12-04T10:00:01Z'));
  });

  it('leaves the publish time out when the message has none or it is not a time', () => {
    expect(deliveryFromCloudEvent({ message: { message_id: '3', publishTime: 'yesterday' } }, 't')).not.toHaveProperty('publishTime');
    expect(deliveryFromCloudEvent({ message: { message_id: '4' } }, 't')).not.toHaveProperty('publishTime');
  });
});
