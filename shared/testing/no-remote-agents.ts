import type { RemoteAgentClient } from '../ports/remote-agent-client.ts';

/** For tests without remote agents: any call is a test failure. */
export const noRemoteAgents: RemoteAgentClient = {
  send: async () => {
    throw new Error('Unexpected call to a remote agent');
  },
  follow: async () => {
    throw new Error('Unexpected call to a remote agent');
  },
};
