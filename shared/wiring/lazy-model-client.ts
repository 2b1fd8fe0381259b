import { AgentlineError, PermanentDependencyError } from '../domain/errors.ts';
import type { ModelClient, ModelRequest, ModelResponse, ModelStreamObserver } from '../ports/model-client.ts';

/**
 * Builds the real model client on first use, so a stack without model credentials still starts
 * (and serves everything else); a run that needs the model then fails with the configuration
 * problem as its error instead of being retried forever.
 */
export function createLazyModelClient(create: () => ModelClient): ModelClient {
  let client: ModelClient | undefined;
  return {
    async generate(request: ModelRequest, observer?: ModelStreamObserver): Promise<ModelResponse> {
      if (!client) {
        try {
          client = create();
        } catch (error) {
          const code = error instanceof AgentlineError ? error.code : 'MODEL_NOT_CONFIGURED';
          throw new PermanentDependencyError(code, (error as Error).message, { cause: error });
        }
      }
      return client.generate(request, observer);
    },
  };
}
