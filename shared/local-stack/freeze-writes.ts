import { TransientError } from '../domain/errors.ts';
import type { Deps } from '../engine/deps.ts';
import type { OutboxStore } from '../ports/outbox-store.ts';
import type { RunStore } from '../ports/run-store.ts';

const stopping = () => new TransientError('The local stack is stopping: its data is being saved', { code: 'STACK_STOPPING' });

/**
 * A switch that makes the pipeline's writes fail once a stopping stack saves its data: a handler
 * still running after the drain can then claim nothing the saved data does not show, so no model
 * request or tool effect starts that the data would not count. (Reads still work, and an effect
 * claimed before the save is in it.)
 */
export function createWriteFreeze() {
  let frozen = false;
  const guard = <T extends object>(target: T, writes: readonly string[]): T =>
    new Proxy(target, {
      get(object, property) {
        const value = Reflect.get(object, property, object) as unknown;
        if (typeof value !== 'function') return value;
        if (!writes.includes(property as string)) return value.bind(object);
        return (...args: unknown[]) => (frozen ? Promise.reject(stopping()) : (value as (...a: unknown[]) => unknown).apply(object, args));
      },
    });
  return {
    freeze(): void {
      frozen = true;
    },
    wrap(deps: Deps): Deps {
      const store = guard<RunStore>(deps.store, ['transact', 'claimJoin', 'recordRejection', 'deleteExpired']);
      const outbox = guard<OutboxStore>(deps.outbox, ['delete']);
      return { ...deps, store, outbox };
    },
  };
}
