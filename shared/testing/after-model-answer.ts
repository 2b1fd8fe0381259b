import type { Deps } from '../engine/deps.ts';

/**
 * A `decorate` for startLocalStack that runs `hook()` after each model answer, before the step
 * commits: tests change an agent's state there, mid-run.
 */
export function afterEachModelAnswer(hook: () => Promise<void>): (deps: Deps) => Deps {
  return (deps) => ({
    ...deps,
    model: {
      generate: async (request, observer) => {
        const response = await deps.model.generate(request, observer);
        await hook();
        return response;
      },
    },
  });
}
