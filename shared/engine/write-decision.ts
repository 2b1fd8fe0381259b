import type { Run } from '../domain/run.ts';
import { entriesOfEvents, type RunStreamEntry } from '../domain/run-stream.ts';
import type { RunTransaction } from '../ports/run-store.ts';
import type { Decision } from './step-kind.ts';
import { writeTransition } from './write-transition.ts';

/**
 * Writes in `tx` what a decision changes besides its own step: events, checkpoint, transition,
 * session and memory records. `run` is the run as read in `tx`. A decision that moves the run
 * appends its events to the run's event stream, then `stream` (the steps it finished); one that
 * does not (a tool call before its turn's join) appends nothing: the run is not written.
 */
export function writeDecision(tx: RunTransaction, run: Run, decision: Omit<Decision, 'state'>, now: number, stream: readonly RunStreamEntry[] = []): void {
  if (decision.events && decision.events.length > 0) tx.putEvents(run.runId, decision.events);
  if (decision.conversation) tx.putConversation(decision.conversation);
  if (decision.sessionEntry) tx.putSessionEntry(decision.sessionEntry);
  if (decision.memory) tx.putMemory(decision.memory);
  if (decision.transition) {
    const entries = [...entriesOfEvents(decision.events ?? [], decision.transition.run), ...stream];
    writeTransition(tx, run, decision.transition, now, { stream: entries });
  }
}
