import type { OperationCounts } from '../shared/testing/operation-counts.ts';

/**
 * List prices used for the estimate (USD), as read on 2026-11-21 through the project's search
 * tool. Free tiers are ignored. Update `read` and the figures together.
 */
export const listPrices = {
  read: '2026-11-21',
  firestore: {
    source: 'https://cloud.google.com/firestore/pricing (Standard edition, multi-region nam5; single US regions are about half)',
    perDocumentRead: 0.06 / 100_000,
    perDocumentWrite: 0.18 / 100_000,
    perDocumentDelete: 0.02 / 100_000,
  },
  pubsub: {
    source: 'https://cloud.google.com/pubsub/pricing (Message Delivery Basic: publish and subscribe throughput, 1,000-byte minimum per request)',
    perTiB: 40,
  },
  functions: {
    source: 'https://cloud.google.com/run/pricing (Cloud Run functions bill as Cloud Run: request-based, Tier 1, rounded up to 100 ms)',
    perMillionRequests: 0.4,
    perVcpuSecond: 0.000024,
    perGibSecond: 0.0000025,
  },
  cloudTasks: {
    source: 'https://cloud.google.com/tasks/pricing',
    perMillionOperations: 0.4,
  },
} as const;

/** Assumed per invocation: the topology deploys step functions with 512 MiB, which gen 2 pairs with 0.333 vCPU. */
export const functionShape = { vcpu: 0.333, gib: 0.5 } as const;

export interface CostEstimate {
  runs: number;
  firestoreUsd: number;
  pubsubUsd: number;
  invocationsUsd: number;
  computeUsd: number;
  cloudTasksUsd: number;
  totalUsd: number;
  assumptions: string[];
}

/**
 * Cost of `runs` runs from the operations counted per run. Every Pub/Sub delivery is one
 * function invocation; each is billed `billedSecondsPerInvocation` (measured handler time rounded
 * up to 100 ms) at the assumed shape. `documentsKeptPerRun` documents per run are deleted by the
 * TTL policies when the run's data expires, billed as deletes.
 */
export function estimateCost(perRun: OperationCounts, runs: number, billedSecondsPerInvocation: number, documentsKeptPerRun: number): CostEstimate {
  const tib = 2 ** 40;
  const firestoreUsd =
    runs *
    (perRun.documentReads * listPrices.firestore.perDocumentRead +
      perRun.documentWrites * listPrices.firestore.perDocumentWrite +
      documentsKeptPerRun * listPrices.firestore.perDocumentDelete);
  const pubsubUsd = (runs * perRun.pubsubBilledBytes * listPrices.pubsub.perTiB) / tib;
  const invocations = runs * perRun.pubsubDeliveries;
  const invocationsUsd = (invocations * listPrices.functions.perMillionRequests) / 1_000_000;
  const computeUsd =
    invocations * billedSecondsPerInvocation * (functionShape.vcpu * listPrices.functions.perVcpuSecond + functionShape.gib * listPrices.functions.perGibSecond);
  const cloudTasksUsd = 0;
  return {
    runs,
    firestoreUsd,
    pubsubUsd,
    invocationsUsd,
    computeUsd,
    cloudTasksUsd,
    totalUsd: firestoreUsd + pubsubUsd + invocationsUsd + computeUsd + cloudTasksUsd,
    assumptions: [
      `prices read ${listPrices.read}; free tiers ignored; the ${documentsKeptPerRun} documents a run keeps are deleted once by TTL (billed as deletes)`,
      `each delivery is one invocation of ${functionShape.vcpu} vCPU / ${functionShape.gib} GiB billed ${billedSecondsPerInvocation} s`,
      'Cloud Tasks: not used by a fault-free run (only delayed model retries schedule tasks)',
      'model (Gemini) tokens not included: they depend on the agent, not the pipeline',
      'Pub/Sub counted per message; the client batches messages of one outbox into fewer requests, so this is an upper bound',
    ],
  };
}
