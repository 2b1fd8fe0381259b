/** One event as an SSE client sees it (comments are counted apart). */
export interface ReceivedEvent {
  id: string | undefined;
  event: string;
  data: Record<string, unknown>;
}

/**
 * A small `text/event-stream` reader over a fetch Response (no SSE client package is installed):
 * yields each event as the stream delivers it, parsing `id:`, `event:` and `data:` lines per the
 * WHATWG rules this API uses (one data line of JSON, blank line ends an event, `:` a comment).
 * Stops when the server closes the stream; breaking out of the loop cancels the body.
 */
export async function* readEventStream(response: Response, comments?: { count: number }): AsyncGenerator<ReceivedEvent> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let fields: { id?: string; event?: string; data: string[] } = { data: [] };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (fields.data.length > 0) yield { id: fields.id, event: fields.event ?? 'message', data: JSON.parse(fields.data.join('\n')) as Record<string, unknown> };
          fields = { data: [] };
        } else if (line.startsWith(':')) {
          if (comments) comments.count++;
        } else {
          const colon = line.indexOf(':');
          const name = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (name === 'id') fields.id = value;
          else if (name === 'event') fields.event = value;
          else if (name === 'data') fields.data.push(value);
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
