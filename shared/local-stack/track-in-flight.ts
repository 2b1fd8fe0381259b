import type { DeliveryHandler } from '../engine/settle-delivery.ts';

/**
 * Counts handler invocations still running, so a stack can let them finish (a step that
 * committed still has to publish) before it closes the clients they use.
 */
export function trackInFlight<Name extends string>(handlers: Record<Name, DeliveryHandler>) {
  const running = new Set<Promise<void>>();
  const tracked = Object.fromEntries(
    Object.entries<DeliveryHandler>(handlers).map(([name, handler]) => [
      name,
      (delivery: Parameters<DeliveryHandler>[0]) => {
        const invocation = handler(delivery);
        const settled = invocation.then(
          () => {},
          () => {},
        );
        running.add(settled);
        void settled.finally(() => running.delete(settled));
        return invocation;
      },
    ]),
  ) as Record<Name, DeliveryHandler>;
  return {
    handlers: tracked,
    /** Resolves when nothing is running, or after `timeoutMs`, whichever is first. */
    async drain(timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (running.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(running), new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())))]);
        clearTimeout(timer);
      }
    },
  };
}
