import { mintLocalToken } from '../shared/adapters/auth/local-token-authenticator.ts';
import { startLocalStack } from '../shared/local-stack/start-local-stack.ts';
import { countBatchTransactions, countOperations } from '../shared/testing/counting-deps.ts';
import { textReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { zeroCounts, type OperationCounts } from '../shared/testing/operation-counts.ts';

export interface BatchFigures {
  items: number;
  concurrency: number;
  /** The model quota the wire server enforces and the governor is given, requests per minute. */
  rpm: number;
  /** Batch created → SUCCEEDED. */
  wallSeconds: number;
  /** The quota's lower bound: items × model calls per item ÷ RPM. */
  lowerBoundSeconds: number;
  /** Requests the wire server answered 429. */
  rateLimited: number;
  /** Operations of the run pipeline per item. */
  perItem: OperationCounts;
  /** Operations of the batch's own bookkeeping per item: the transactions of its create, fan-out and lanes (batch, lane, item and outbox documents); absent in reports written before it was counted. */
  bookkeepingPerItem?: OperationCounts;
  /** Peak resident memory of the process that fans out (here the whole local stack), MB, and before the batch. */
  peakRssMb: number;
  rssBeforeMb: number;
}

/**
 * The batch section of `npm run bench`: one batch of `items` one-call items at `concurrency` on a
 * local stack of its own whose model quota (`rpm`, enforced by the Gemini-wire server with 429s
 * past it) bounds it from below; wall time against that bound, pipeline and batch bookkeeping operations per item, and
 * the peak memory of the fanning-out process, sampled every 100 ms.
 */
export async function measureBatch(items: number, concurrency: number, rpm: number, log: (line: string) => void): Promise<BatchFigures> {
  const gemini = await startGeminiWireServer({ quota: { requests: rpm, windowMs: 60_000 }, respond: () => textReply('done') });
  const counts = zeroCounts();
  const bookkeeping = zeroCounts();
  const quotas = JSON.stringify({ 'gemini-2.5-flash': { rpm, windowSeconds: 60, batchShare: 1 } });
  const stack = await startLocalStack({
    projectId: `agentline-bench-batch-${process.pid}`,
    env: { GEMINI_API_KEY: 'bench-key', GOOGLE_GEMINI_BASE_URL: gemini.url, AGENTLINE_LOG_LEVEL: 'silent', AGENTLINE_MODEL_QUOTAS: quotas },
    decorate: countOperations(counts),
    decorateApi: (deps) => ({ ...deps, batches: countBatchTransactions(deps.batches, bookkeeping) }),
    sweepIntervalMs: 0,
  });
  try {
    const token = await mintLocalToken(stack.localAuthSecret, { userId: 'bench' });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${stack.functionsUrl}/v1/${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const answer = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
      return answer;
    };
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const agent = { configYaml: 'name: bench_batch\nmodel: gemini-2.5-flash\ninstruction: Answer.\n', fileName: 'bench-batch.yaml' };
    const started = Date.now();
    const created = await call('POST', 'batches', { agent, items: Array.from({ length: items }, (_, n) => `item ${n}`), concurrency });
    const name = String(created['name']);
    for (let last = ''; ; await new Promise((resolve) => setTimeout(resolve, 1_000))) {
      const view = await call('GET', name);
      const counts = view['counts'] as Record<string, number>;
      const line = `${counts['succeeded']}/${items} succeeded, ${counts['running']} running`;
      if (line !== last) log(`batch: ${line}`);
      last = line;
      if (view['state'] !== 'RUNNING') {
        if (view['state'] !== 'SUCCEEDED') throw new Error(`batch ended ${String(view['state'])}`);
        break;
      }
    }
    const wallSeconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const per = (totals: OperationCounts) => Object.fromEntries(Object.entries(totals).map(([key, value]) => [key, value / items])) as unknown as OperationCounts;
    return { items, concurrency, rpm, wallSeconds, lowerBoundSeconds: (items * 60) / rpm, rateLimited: gemini.rateLimited, perItem: per(counts), bookkeepingPerItem: per(bookkeeping), peakRssMb: peakRss / 1e6, rssBeforeMb: rssBefore / 1e6 };
  } finally {
    await stack.stop();
    await gemini.close();
  }
}
