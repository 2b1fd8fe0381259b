import { agentChildNames } from '../agents/agent-child-name.ts';

/** `{agent}/schedules/{schedule}`: parse (INVALID_ARGUMENT naming the form), tryParse, assertValidId. */
export const scheduleNames = agentChildNames('schedules', 'schedule');
