/** One Server-Sent Event: a record (`id`, `event`, `data`) or a comment line that keeps the connection alive. */
export type ServerSentEvent = { id: string; event: string; data: string } | { comment: string };

/**
 * What a method answers to be sent as `text/event-stream` rather than JSON (api-app.ts). `events`
 * undefined means there is nothing more to send, ever: answered 204, which tells an EventSource
 * to stop reconnecting. Whoever iterates `events` stops early by calling `return()` (a `for await`
 * that breaks), which releases what the stream holds.
 */
export class EventStream {
  readonly events: AsyncIterable<ServerSentEvent> | undefined;
  constructor(events: AsyncIterable<ServerSentEvent> | undefined) {
    this.events = events;
  }
}
