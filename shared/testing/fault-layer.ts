import type { ModelClient } from '../ports/model-client.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { StepQueue } from '../ports/step-queue.ts';
import type { Deps } from '../engine/deps.ts';
import { isLongRunning, type Tool } from '../tools/tool.ts';

/** Faults to inject, switchable while a stack runs. */
export interface Faults {
  /** Publish every outbox message twice: one after the other, or both at once. */
  duplicatePublishes: false | 'sequential' | 'concurrent';
  /** Let the next model call reach the model, then die before anything is committed. */
  crashAfterNextModelCall: boolean;
  /** Let the next tool call run, then die before anything is committed. */
  crashAfterNextToolCall: boolean;
}

export function noFaults(): Faults {
  return { duplicatePublishes: false, crashAfterNextModelCall: false, crashAfterNextToolCall: false };
}

/**
 * Wraps a pipeline's dependencies with switchable faults. A crash is simulated the way a dead
 * process behaves: the effect happened, then no transaction of that delivery ever commits (so
 * nothing is released), and the step's lease must expire before a redelivery takes it over.
 */
export function withFaults(faults: Faults): (deps: Deps) => Deps {
  return (deps) => {
    let crashing = false;
    const crashIf = (flag: 'crashAfterNextModelCall' | 'crashAfterNextToolCall') => {
      if (!faults[flag]) return;
      faults[flag] = false;
      crashing = true;
    };
    const queue: StepQueue = {
      async publish(messages) {
        if (faults.duplicatePublishes === 'concurrent') {
          await Promise.all([deps.queue.publish(messages), deps.queue.publish(messages)]);
        } else {
          await deps.queue.publish(messages);
          if (faults.duplicatePublishes === 'sequential') await deps.queue.publish(messages);
        }
      },
    };
    const model: ModelClient = {
      async generate(request) {
        const response = await deps.model.generate(request);
        crashIf('crashAfterNextModelCall');
        return response;
      },
    };
    const tools = deps.tools.map((tool): Tool => {
      // A long-running tool's effect is its start (a job launched): the crash comes after it.
      if (isLongRunning(tool)) {
        return {
          ...tool,
          async start(input, context, prior) {
            const progress = await tool.start(input, context, prior);
            crashIf('crashAfterNextToolCall');
            return progress;
          },
        };
      }
      return {
        ...tool,
        async execute(input, context) {
          const output = await tool.execute(input, context);
          crashIf('crashAfterNextToolCall');
          return output;
        },
      };
    });
    // OpenAPI operations are tools built per run; their effect is the call.
    const openApi = deps.openApi && {
      async call(...args: Parameters<NonNullable<Deps['openApi']>['call']>) {
        const output = await deps.openApi!.call(...args);
        crashIf('crashAfterNextToolCall');
        return output;
      },
    };
    const transact: RunStore['transact'] = (work) => {
      if (!crashing) return deps.store.transact(work);
      crashing = false;
      return Promise.reject(new Error('simulated crash: the process died before its commit'));
    };
    // Methods are bound to the real store: adapters keep state in private fields.
    const store = new Proxy(deps.store, {
      get(target, property) {
        if (property === 'transact') return transact;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return { ...deps, queue, model, store, tools, ...(openApi ? { openApi } : {}) };
  };
}
