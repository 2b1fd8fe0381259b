import { expect } from 'vitest';

/** An HTTP answer of the agents API: status and JSON body. */
export interface ApiAnswer {
  status: number;
  body: Record<string, any>;
}

/**
 * The agents API as a client sees it, for integration tests against the function server of a
 * local stack (`functionsUrl`). `tokens` maps each user to a bearer token and is read per call,
 * so a test may add users later; a call as `undefined` sends no Authorization header.
 */
export function createAgentsApiClient(functionsUrl: string, tokens: Record<string, string>) {
  async function call(user: string | undefined, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const response = await fetch(`${functionsUrl}/v1/${path}`, {
      method,
      headers: { ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  /** Polls a long-running operation until it is done; returns it. */
  async function waitForOperation(user: string, name: string): Promise<Record<string, any>> {
    for (;;) {
      const answer = await call(user, 'GET', name);
      expect(answer.status).toBe(200);
      if (answer.body['done']) return answer.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    call,
    waitForOperation,

    /** Creates an agent `agentId` under `parent` (expecting success); returns its resource name. */
    async createAgent(user: string, parent: string, agentId: string, body: Record<string, unknown>): Promise<string> {
      const answer = await call(user, 'POST', `${parent}/agents?agentId=${agentId}`, body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body['name'] as string;
    },

    /** Starts a deploy (expecting an operation that is not done yet) and returns the finished operation. */
    async deploy(user: string, name: string, body: unknown = {}): Promise<Record<string, any>> {
      const started = await call(user, 'POST', `${name}:deploy`, body);
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      expect(started.body).toMatchObject({ name: expect.stringMatching(new RegExp(`^${name}/operations/`)), done: false });
      return waitForOperation(user, started.body['name']);
    },
  };
}
export type AgentsApiClient = ReturnType<typeof createAgentsApiClient>;
