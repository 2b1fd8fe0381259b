import { createHmac, randomUUID } from 'node:crypto';

/**
 * A GitHub webhook delivery as GitHub sends it: the JSON body's bytes, `X-Hub-Signature-256` over
 * them under `secret`, the event and a delivery id (a fresh one unless given).
 */
export function githubDelivery(secret: string, payload: unknown, options: { event?: string; deliveryId?: string } = {}) {
  const body = Buffer.from(JSON.stringify(payload));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': options.event ?? 'issues',
      'x-github-delivery': options.deliveryId ?? randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
  };
}

/** An `issues` payload, as GitHub sends one when an issue is opened (the fields the tests read). */
export function issuePayload(action: string, number: number, title: string) {
  return { action, issue: { number, title, body: 'It crashes.' }, repository: { id: 7, full_name: 'octo/app' } };
}
