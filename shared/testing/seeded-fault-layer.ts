import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { ModelClient } from '../ports/model-client.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { StepQueue } from '../ports/step-queue.ts';
import type { Delivery } from '../engine/delivery.ts';
import type { DeliveryHandler } from '../engine/settle-delivery.ts';
import type { Deps } from '../engine/deps.ts';
import { isLongRunning, type Tool } from '../tools/tool.ts';

export interface SeededFaultOptions {
  seed: number;
  /** Share of model and tool calls whose delivery dies after its claim, before the effect starts. */
  crashBeforeEffectRate: number;
  /** Share of model and tool calls after which their delivery dies, before it commits. */
  crashAfterEffectRate: number;
  /** Share of deliveries that die after their commit, before publishing what it enqueued. */
  crashAfterCommitRate: number;
  /** Share of deliveries that die after publishing, before their message is acknowledged. */
  crashAfterPublishRate: number;
  /**
   * Share of deliveries that die after their commit, before publishing, and whose message is
   * gone too (acknowledged: the emulator's Pub/Sub died with the stack): no redelivery will come,
   * so only the outbox and the sweeper can carry the run on.
   */
  loseAfterCommitRate?: number;
  /** The most deliveries of one message that may die (every crash point together). */
  maxCrashesPerMessage: number;
}

/** What the layer did, for the suite's figures. */
export interface FaultFigures {
  /** Handler invocations (every push delivery, redeliveries included). */
  deliveries: number;
  /** Messages the pipeline asked to publish. */
  published: number;
  /** Extra copies the layer published on top of them. */
  duplicates: number;
  /** Of those duplicate sets, how many were published at the same moment. */
  concurrentDuplicates: number;
  /** Model and tool calls made (the effects a crash can follow). */
  effects: number;
  crashesBeforeEffect: number;
  crashesAfterEffect: number;
  crashesAfterCommit: number;
  crashesAfterPublish: number;
  /** Deliveries that died after their commit with their message gone (`loseAfterCommitRate`). */
  messagesLost: number;
  /** Deliveries to the dead-letter consumer. */
  deadLettered: number;
}

// One delivery's fate, carried through its async calls so concurrent deliveries never share it.
interface DeliveryFate {
  /** The message body, which names the step (every copy of a step's message has the same). */
  key: string;
  /** Which delivery of which message body this is, for the crash draws at its effect. */
  draw: string;
  crashAfterCommit: boolean;
  crashAfterPublish: boolean;
  loseAfterCommit: boolean;
  dead: boolean;
  /** Died, and its message is gone: the push was acknowledged. */
  lost: boolean;
}

export class SimulatedCrash extends Error {
  constructor(when: string) {
    super(`simulated crash ${when}: the process died`);
    this.name = 'SimulatedCrash';
  }
}

/** A simulated crash whose message went with it: the delivery ends acknowledged, nothing redelivers it. */
export class SimulatedLoss extends SimulatedCrash {
  constructor(when: string) {
    super(`${when}, and its message was lost`);
    this.name = 'SimulatedLoss';
  }
}

/**
 * A fault layer driven by a seed, for many concurrent runs: every published message goes out one
 * to three times (sometimes all at once), and a share of deliveries die — after their claim and
 * before their effect, after their effect, after their commit, or after publishing — at most
 * `maxCrashesPerMessage` deliveries of any one message. A death behaves like a dead process: nothing of that delivery touches the
 * store or the queue again (no release, no ack), so the lease must expire and Pub/Sub redeliver.
 * Decisions hash the seed with the message and its delivery count, so the same seed makes the
 * same decisions for the same messages whatever the interleaving.
 */
export function createSeededFaultLayer(options: SeededFaultOptions) {
  const fate = new AsyncLocalStorage<DeliveryFate>();
  const zero: FaultFigures = {
    deliveries: 0,
    published: 0,
    duplicates: 0,
    concurrentDuplicates: 0,
    effects: 0,
    crashesBeforeEffect: 0,
    crashesAfterEffect: 0,
    crashesAfterCommit: 0,
    crashesAfterPublish: 0,
    messagesLost: 0,
    deadLettered: 0,
  };
  const figures: FaultFigures = { ...zero };
  const deliveriesOf = new Map<string, number>();
  const publishesOf = new Map<string, number>();
  const copiesPublished = new Map<string, number>();
  const ackedMessageIds = new Map<string, Set<string>>();
  const historyOf = new Map<string, string[]>();
  const inFlight = new Set<string>();
  const crashesOf = new Map<string, number>();
  const random = (...parts: (string | number)[]) => unitHash(options.seed, ...parts);
  const state = { enabled: true };

  /** Kills this delivery if its message may still crash; returns whether it died. */
  const kill = (current: DeliveryFate | undefined): boolean => {
    if (!current || current.dead || !state.enabled || (crashesOf.get(current.key) ?? 0) >= options.maxCrashesPerMessage) return false;
    crashesOf.set(current.key, (crashesOf.get(current.key) ?? 0) + 1);
    current.dead = true;
    return true;
  };
  /** Whether this delivery dies at `point`, drawn from the seed. */
  const dies = (current: DeliveryFate | undefined, point: string, rate: number): boolean =>
    current !== undefined && random(point, current.draw) < rate && kill(current);
  const alive = () => {
    const current = fate.getStore();
    if (current?.dead) throw current.lost ? new SimulatedLoss('earlier in this delivery') : new SimulatedCrash('earlier in this delivery');
  };
  const beforeEffect = () => {
    alive();
    const current = fate.getStore();
    if (!dies(current, 'before-effect', options.crashBeforeEffectRate)) return;
    figures.crashesBeforeEffect++;
    throw new SimulatedCrash('after the claim, before the effect');
  };
  const afterEffect = () => {
    const current = fate.getStore();
    if (current && !current.dead && state.enabled) figures.effects++;
    if (dies(current, 'effect', options.crashAfterEffectRate)) figures.crashesAfterEffect++;
  };

  function wrapHandler(name: string, handler: DeliveryHandler): DeliveryHandler {
    return async (delivery: Delivery) => {
      figures.deliveries++;
      if (name === 'deadLetter') figures.deadLettered++;
      const key = delivery.data.toString('utf8');
      const count = (deliveriesOf.get(key) ?? 0) + 1;
      deliveriesOf.set(key, count);
      const enabled = state.enabled && name !== 'deadLetter';
      const current: DeliveryFate = {
        key,
        draw: `${key}#${count}`,
        crashAfterCommit: enabled && random('commit', key, count) < options.crashAfterCommitRate,
        crashAfterPublish: enabled && random('publish', key, count) < options.crashAfterPublishRate,
        loseAfterCommit: enabled && random('lose', key, count) < (options.loseAfterCommitRate ?? 0),
        dead: false,
        lost: false,
      };
      const history = historyOf.get(key) ?? [];
      historyOf.set(key, history);
      const started = new Date().toISOString().slice(11, 23);
      const running = `${started} ${name} ${delivery.messageId} ${key}`;
      inFlight.add(running);
      try {
        await fate.run(current, () => handler(delivery)).finally(() => inFlight.delete(running));
        history.push(`${started} ${delivery.messageId} acked`);
      } catch (error) {
        history.push(`${started} ${delivery.messageId} failed: ${(error as Error).message}`);
        // A lost delivery ends as the emulator saw it: acknowledged (its process and Pub/Sub died).
        if (!current.lost) throw error;
      }
      // The handler returned, so the function answers 204 and Pub/Sub drops the message.
      let acked = ackedMessageIds.get(key);
      if (!acked) ackedMessageIds.set(key, (acked = new Set()));
      acked.add(delivery.messageId);
    };
  }

  function decorate(deps: Deps): Deps {
    const queue: StepQueue = {
      async publish(messages) {
        alive();
        const current = fate.getStore();
        if (current?.loseAfterCommit && kill(current)) {
          current.lost = true;
          figures.messagesLost++;
          throw new SimulatedLoss('after commit, before publishing');
        }
        if (current?.crashAfterCommit && kill(current)) {
          figures.crashesAfterCommit++;
          throw new SimulatedCrash('after commit, before publishing');
        }
        await Promise.all(messages.map((message) => publishCopies(deps.queue, message)));
        if (current?.crashAfterPublish && kill(current)) {
          figures.crashesAfterPublish++;
          throw new SimulatedCrash('after publishing, before the acknowledgement');
        }
      },
    };
    const publishCopies = async (target: StepQueue, message: Parameters<StepQueue['publish']>[0][number]) => {
      const key = JSON.stringify(message.data);
      const ordinal = (publishesOf.get(key) ?? 0) + 1;
      publishesOf.set(key, ordinal);
      const draw = random('copies', key, ordinal);
      const copies = !state.enabled ? 1 : draw < 0.5 ? 1 : draw < 0.8 ? 2 : 3;
      figures.published++;
      figures.duplicates += copies - 1;
      if (message.topic !== 'results') copiesPublished.set(key, (copiesPublished.get(key) ?? 0) + copies);
      if (copies > 1 && random('together', key, ordinal) < 0.5) {
        figures.concurrentDuplicates++;
        await Promise.all(Array.from({ length: copies }, () => target.publish([message])));
        return;
      }
      for (let copy = 0; copy < copies; copy++) await target.publish([message]);
    };
    const model: ModelClient = {
      async generate(request, observer) {
        beforeEffect();
        const response = await deps.model.generate(request, observer);
        afterEffect();
        return response;
      },
    };
    const tools = deps.tools.map((tool): Tool => {
      if (isLongRunning(tool)) {
        return {
          ...tool,
          async start(input, context, prior) {
            beforeEffect();
            const progress = await tool.start(input, context, prior);
            afterEffect();
            return progress;
          },
        };
      }
      return {
        ...tool,
        async execute(input, context) {
          beforeEffect();
          const output = await tool.execute(input, context);
          afterEffect();
          return output;
        },
      };
    });
    // Methods are bound to the real store: adapters keep state in private fields.
    const store = new Proxy(deps.store, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          alive();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as RunStore;
    return { ...deps, queue, model, store, tools };
  }

  return {
    figures,
    /** Turns every fault off (fault-free reference runs) or on again. */
    setEnabled(enabled: boolean) {
      state.enabled = enabled;
    },
    /** Starts counting from zero (after the fault-free reference runs). */
    resetFigures() {
      Object.assign(figures, zero);
    },
    decorate,
    wrapHandlers<Name extends string>(handlers: Record<Name, DeliveryHandler>): Record<Name, DeliveryHandler> {
      const entries = Object.entries<DeliveryHandler>(handlers).map(([name, handler]) => [name, wrapHandler(name, handler)]);
      return Object.fromEntries(entries) as Record<Name, DeliveryHandler>;
    },
    /**
     * Messages published through the layer of which fewer copies were acknowledged than
     * published (by message body); empty when every copy was acknowledged at least once.
     */
    /** Deliveries whose handler has not returned yet: start time, function, message id, body. */
    inFlight(): string[] {
      return [...inFlight];
    },
    /** Every delivery of the message with this body: time, message id, outcome. */
    historyOf(body: string): string[] {
      return historyOf.get(body) ?? [];
    },
    unacknowledged(): string[] {
      return [...copiesPublished].flatMap(([key, copies]) => {
        const acked = ackedMessageIds.get(key) ?? new Set();
        if (acked.size >= copies) return [];
        return [`${key}: ${copies} copies published; deliveries: ${(historyOf.get(key) ?? []).join(' | ')}`];
      });
    },
  };
}

/** A number in [0, 1) from the seed and the parts: the same inputs always give the same number. */
export function unitHash(seed: number, ...parts: (string | number)[]): number {
  const digest = createHash('sha256').update(`${seed}\u0000${parts.join('\u0000')}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}
