/** Any handler whose work is done when its promise settles. */
type AsyncHandler = (...args: never[]) => Promise<unknown>;

/**
 * Counts handler invocations still running, so a stack can let them finish (a step that
 * committed still has to publish; an API call that committed still has to answer) before it
 * saves its data and closes the clients they use.
 */
export function trackInFlight<Handlers extends Record<string, AsyncHandler>>(handlers: Handlers) {
  const running = new Set<Promise<void>>();
  const tracked = Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (...args: never[]) => {
        const invocation = handler(...args);
        const settled = invocation.then(
          () => {},
          () => {},
        );
        running.add(settled);
        void settled.finally(() => running.delete(settled));
        return invocation;
      },
    ]),
  ) as Handlers;
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
