import { performance } from 'node:perf_hooks';
import * as functions from '@google-cloud/functions-framework';
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { startFunctionServer } from '../shared/local-stack/function-server.ts';
import { median } from './stats.ts';

export interface FloorFigures {
  samples: number;
  /** Every measured floor sample, ms, in order (pooled across measurements by the caller). */
  floorSamplesMs: number[];
  /** Publish → push delivery → one single-document transaction committed, median ms. */
  floorMs: number;
  /** Publish → the function starts, median ms (the emulator's push cycle dominates it). */
  publishToPushMs: number;
  /** The single-document read-modify-write transaction alone, median ms. */
  transactionMs: number;
}

const floorFunction = 'benchFloor';
const floorTopic = 'bench-floor';

/**
 * The physical floor of one step on these emulators: one Pub/Sub publish pushed to a
 * functions-framework function (same server code, same batching as the step queue) that runs one
 * single-document Firestore transaction. Samples run one at a time, a few tens of ms apart (an
 * isolated step, the previous push finished), after `warmup` unmeasured ones: the first pushes
 * after start are much slower while clients and the JIT warm up.
 */
export async function measureFloor(
  clients: { pubsub: PubSub; firestore: Firestore; projectId: string },
  samples: number,
  warmup = 10,
): Promise<FloorFigures> {
  const waiting = new Map<string, (timing: { startedAt: number; committedAt: number; transactionMs: number }) => void>();
  functions.cloudEvent(floorFunction, async (event: { data?: { message?: { data?: string } } }) => {
    const startedAt = performance.now();
    const id = Buffer.from(event.data?.message?.data ?? '', 'base64').toString('utf8');
    const ref = clients.firestore.doc(`benchFloor/${id}`);
    await clients.firestore.runTransaction(async (tx) => {
      const snapshot = await tx.get(ref);
      tx.set(ref, { count: ((snapshot.data()?.['count'] as number | undefined) ?? 0) + 1 });
    });
    const committedAt = performance.now();
    waiting.get(id)?.({ startedAt, committedAt, transactionMs: committedAt - startedAt });
  });
  const server = await startFunctionServer({ functionNames: [floorFunction] });
  const [topic] = await clients.pubsub.createTopic(floorTopic);
  const [subscription] = await clients.pubsub.createSubscription(floorTopic, `${floorTopic}-push`, {
    pushConfig: { pushEndpoint: server.pushEndpoint(floorFunction, clients.projectId, floorTopic) },
    ackDeadlineSeconds: 60,
  });
  const publisher = clients.pubsub.topic(floorTopic, { batching: { maxMessages: 100, maxMilliseconds: 1 } });
  const floors: number[] = [];
  const pushes: number[] = [];
  const transactions: number[] = [];
  try {
    for (let index = 0; index < warmup + samples; index++) {
      const id = `sample-${index}`;
      const done = new Promise<{ startedAt: number; committedAt: number; transactionMs: number }>((resolve) => waiting.set(id, resolve));
      const publishedAt = performance.now();
      await publisher.publishMessage({ data: Buffer.from(id) });
      const timing = await withTimeout(done, 30_000, `floor sample ${id} was not delivered`);
      // Let the push that carried this sample finish, and vary the phase against the emulator's push loop.
      await new Promise((resolve) => setTimeout(resolve, 20 + ((index * 17) % 40)));
      if (index < warmup) continue;
      floors.push(timing.committedAt - publishedAt);
      pushes.push(timing.startedAt - publishedAt);
      transactions.push(timing.transactionMs);
    }
  } finally {
    await subscription.delete().catch(() => {});
    await topic.delete().catch(() => {});
    await server.close();
  }
  return { samples, floorSamplesMs: floors, floorMs: median(floors), publishToPushMs: median(pushes), transactionMs: median(transactions) };
}

export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), timeoutMs)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
