import { TransientError } from '../domain/errors.ts';
import type { Deps } from '../engine/deps.ts';
import type { AgentRegistry } from '../ports/agent-registry.ts';
import type { CallbackStore } from '../ports/callback-store.ts';
import type { OutboxStore } from '../ports/outbox-store.ts';
import type { RunStore } from '../ports/run-store.ts';
import { gateMethods } from './gate-methods.ts';

const stopping = () => new TransientError('The local stack is stopping: its data is being saved', { code: 'STACK_STOPPING' });

/**
 * A switch that makes the pipeline's and the agents API's writes fail once a stopping stack saves
 * its data: a handler or API call still running after the drain can then commit nothing the
 * saved data does not show. (Reads still work, and what was committed before the save is in it.)
 */
export function createWriteFreeze() {
  let frozen = false;
  const refusal = () => (frozen ? stopping() : undefined);
  const wrap = <D extends Pick<Deps, 'store' | 'outbox'> & Partial<Pick<Deps, 'callbacks'>>>(deps: D): D => {
    const store = gateMethods<RunStore>(deps.store, ['transact', 'claimJoin', 'recordRejection', 'deleteExpired'], refusal);
    const outbox = gateMethods<OutboxStore>(deps.outbox, ['delete'], refusal);
    const callbacks = deps.callbacks && gateMethods<CallbackStore>(deps.callbacks, ['transact'], refusal);
    return { ...deps, store, outbox, ...(callbacks ? { callbacks } : {}) };
  };
  return {
    /** Refuses every write from now on. Idempotent. */
    freeze(): void {
      frozen = true;
    },
    /** The same dependencies with their writes behind the switch. */
    wrap,
    /** The agents API's dependencies with the registry's writes behind the switch too. */
    wrapApi<D extends Pick<Deps, 'store' | 'outbox'> & { registry: AgentRegistry }>(deps: D): D {
      const registry = gateMethods<AgentRegistry>(deps.registry, ['transact', 'putGrant', 'deleteGrant'], refusal);
      return { ...wrap(deps), registry };
    },
  };
}
