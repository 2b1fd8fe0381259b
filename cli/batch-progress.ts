/** What a batch's view says about its progress (the API's `batches.get`). */
export interface BatchProgressView {
  name: string;
  state: string;
  itemCount?: number;
  counts?: { queued: number; running: number; succeeded: number; failed: number; cancelled: number };
}

const barWidth = 30;

/**
 * One line of progress: a bar of the items ended over all items (known once the source is read,
 * else those read so far), then the counts. `[##########....................] 170/500 ended …`.
 */
export function renderBatchProgress(view: BatchProgressView): string {
  const counts = view.counts ?? { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  const ended = counts.succeeded + counts.failed + counts.cancelled;
  const known = counts.queued + counts.running + ended;
  const total = view.itemCount ?? known;
  const filled = total === 0 ? 0 : Math.min(barWidth, Math.floor((ended / total) * barWidth));
  const of = view.itemCount === undefined ? `${total}+` : String(total);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${ended}/${of} ended (${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.cancelled} cancelled), ${counts.running} running · ${view.state}`;
}

/** Whether a batch in `state` has ended. */
export function isBatchViewEnded(state: string): boolean {
  return state === 'SUCCEEDED' || state === 'CANCELLED' || state === 'FAILED';
}
