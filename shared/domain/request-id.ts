import { InvalidInputError } from './errors.ts';

/**
 * A caller's `requestId` (AIP-155): 1-256 printable ASCII characters, and not one of the key
 * prefixes of the runs and batches that batches, schedules and triggers start — a requestId that
 * looked like one would take that run's or batch's id, and the item or fire would never start.
 */
export function checkRequestId(requestId: string | undefined): void {
  if (requestId === undefined) return;
  if (!/^[\x21-\x7e]{1,256}$/.test(requestId)) {
    throw new InvalidInputError('requestId must be 1-256 printable ASCII characters (a UUID is best)', { code: 'INVALID_REQUEST_ID', metadata: { requestId } });
  }
  if (/^(?:batch|schedule|trigger):/.test(requestId)) {
    throw new InvalidInputError('requestId may not start with batch:, schedule: or trigger: (those name what batches, schedules and triggers start)', { code: 'INVALID_REQUEST_ID', metadata: { requestId } });
  }
}
