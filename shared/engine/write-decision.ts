import type { RunTransaction } from '../ports/run-store.ts';
import type { Decision } from './step-kind.ts';
import { writeTransition } from './write-transition.ts';

/** Writes in `tx` what a decision changes besides its own step: events, checkpoint, transition, session and memory records. */
export function writeDecision(tx: RunTransaction, runId: string, decision: Omit<Decision, 'state'>, now: number): void {
  if (decision.events && decision.events.length > 0) tx.putEvents(runId, decision.events);
  if (decision.conversation) tx.putConversation(decision.conversation);
  if (decision.sessionEntry) tx.putSessionEntry(decision.sessionEntry);
  if (decision.memory) tx.putMemory(decision.memory);
  if (decision.transition) writeTransition(tx, decision.transition, now);
}
