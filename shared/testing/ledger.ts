import { z } from 'zod';
import type { NonRepeatableTool } from '../tools/tool.ts';

/** One booking as the ledger stored it; its `output` is what the tool returned to the model. */
export interface LedgerEntry {
  key: string;
  account: string;
  amount: number;
  output: { status: 'booked'; account: string; amount: number };
}

/** How the ledger tool reaches a ledger: in this process or over HTTP (`ledger-server.ts`). */
export interface LedgerClient {
  /** Books an entry: a new effect on every call, even with a key seen before. */
  book(key: string, account: string, amount: number, deadline: number): Promise<LedgerEntry['output']>;
  /** The first entry booked with `key`, or undefined when none was. */
  lookup(key: string): Promise<LedgerEntry | undefined>;
}

/**
 * A ledger that counts every booking it receives and deliberately does NOT deduplicate by key:
 * the count per key is the proof that the pipeline's intent records, not the ledger, kept a
 * non-repeatable effect to one per call.
 */
export class Ledger implements LedgerClient {
  readonly entries: LedgerEntry[] = [];

  async book(key: string, account: string, amount: number): Promise<LedgerEntry['output']> {
    const output = { status: 'booked' as const, account, amount };
    this.entries.push({ key, account, amount, output });
    return output;
  }

  async lookup(key: string): Promise<LedgerEntry | undefined> {
    return this.entries.find((entry) => entry.key === key);
  }

  /** How many bookings carried each key. */
  countsByKey(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of this.entries) counts.set(entry.key, (counts.get(entry.key) ?? 0) + 1);
    return counts;
  }
}

const bookPaymentInputSchema = z.object({
  account: z.string().min(1).describe('Account to book to'),
  amount: z.number().int().describe('Amount in cents'),
});

/** `book_payment`: a counted, non-repeatable effect for tests of exactly-once tool calls. */
export function createLedgerTool(ledger: LedgerClient): NonRepeatableTool<z.infer<typeof bookPaymentInputSchema>> {
  return {
    name: 'book_payment',
    description: 'Books a payment to an account. Not safe to repeat.',
    inputSchema: bookPaymentInputSchema,
    repeatable: false,
    execute: (input, context) => ledger.book(context.idempotencyKey, input.account, input.amount, context.deadline),
    async reconcile(key) {
      const entry = await ledger.lookup(key);
      return entry ? { happened: true, output: entry.output } : { happened: false };
    },
  };
}
