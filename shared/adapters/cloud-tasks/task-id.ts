import { createHash } from 'node:crypto';

/**
 * The Cloud Tasks task id for a DelayQueue key: the SHA-256 of the key in hex (64 characters).
 *
 * Task ids allow only `[A-Za-z0-9_-]`, at most 500 characters, so keys cannot be used as they are.
 * A hash maps any key to a valid id that is the same on every call, which is what lets Cloud Tasks
 * deduplicate a repeated schedule. It also spreads ids evenly: the service documents that
 * sequential name prefixes (such as run ids that start with a timestamp) add latency.
 */
export function taskIdForKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The full task name (`<queuePath>/tasks/<id>`) under which `key` is scheduled. */
export function taskNameForKey(queuePath: string, key: string): string {
  return `${queuePath}/tasks/${taskIdForKey(key)}`;
}
