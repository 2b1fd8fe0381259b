/**
 * Structured logs. Fields must never carry secrets or whole payloads: ids, codes, counts and
 * timings only.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON line per entry on stderr, in the shape Cloud Logging parses (`severity`, `message`). */
export function createJsonLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const log = (severity: string) => (message: string, fields?: Record<string, unknown>) =>
    write(`${JSON.stringify({ severity, message, ...fields })}\n`);
  return { info: log('INFO'), warn: log('WARNING'), error: log('ERROR') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
