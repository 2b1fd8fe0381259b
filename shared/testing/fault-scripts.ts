import { functionCallReply, textReply, type RecordedRequest, type Reply } from './gemini-replies.ts';

/** A scripted conversation: the model's reply for each of its turns, chosen by turn. */
export interface FaultScript {
  name: string;
  streaming: 'NONE' | 'SSE';
  /** Reply to the request that follows `turns[i - 1]`'s answer; one per model turn. */
  turns: Reply[];
  /** Calls to the non-repeatable `book_payment` tool the script makes. */
  ledgerCalls: number;
}

const book = (account: string, amount: number) => ({ name: 'book_payment', args: { account, amount } });
const calculate = (expression: string) => ({ name: 'calculator', args: { expression } });

export const faultScripts: readonly FaultScript[] = [
  {
    name: 'parallel-bookings',
    streaming: 'NONE',
    turns: [
      functionCallReply([book('acme', 500), book('zenith', 700), calculate('500 + 700')], { thoughtSignature: 'c2ln' }),
      textReply('Booked 500 to acme and 700 to zenith: 1200 in total.'),
    ],
    ledgerCalls: 2,
  },
  {
    name: 'booking-then-tools',
    streaming: 'SSE',
    turns: [
      functionCallReply([book('acme', 250)]),
      functionCallReply([
        calculate('250 * 4'),
        { name: 'convert_time', args: { time: '2026-03-29T09:30', from_timezone: 'Europe/London', to_timezone: 'Asia/Tokyo' } },
      ]),
      textReply('Booked 250; four of them make 1000; 09:30 in London is 17:30 in Tokyo.'),
    ],
    ledgerCalls: 1,
  },
  {
    name: 'calculator',
    streaming: 'NONE',
    turns: [functionCallReply([calculate('2^64 + 1')]), textReply('2^64 + 1 = 18446744073709551617')],
    ledgerCalls: 0,
  },
  { name: 'text', streaming: 'NONE', turns: [textReply('Hello there.')], ledgerCalls: 0 },
];

export const faultAgentYaml = `name: fault_agent
model: gemini-2.5-flash
description: Books payments and does arithmetic.
instruction: Use book_payment for payments, calculator for arithmetic and convert_time for time zones.
tools: [book_payment, calculator, convert_time]
`;

/** The input of one run: the script's name and a label that tells runs apart at the model. */
export function faultInput(script: FaultScript, label: string): string {
  return `${script.name} [${label}]`;
}

/**
 * Answers a model request from the scripts, deterministically: the script is named by the run's
 * input and the turn is the number of model turns already in the conversation, so a request
 * repeated after a crash gets the same answer as the first time.
 */
export function respondFromScripts(request: RecordedRequest): Reply {
  const input = request.body.contents[0]?.parts[0]?.text ?? '';
  const script = faultScripts.find((candidate) => input.startsWith(`${candidate.name} [`));
  if (!script) throw new Error(`no fault script for input ${JSON.stringify(input)}`);
  const turn = request.body.contents.filter((content) => content.role === 'model').length;
  const reply = script.turns[turn];
  if (!reply) throw new Error(`script ${script.name} has no turn ${turn}`);
  return reply;
}

/** The run a recorded request belongs to, by its input. */
export function inputOf(request: RecordedRequest): string {
  return request.body.contents[0]?.parts[0]?.text ?? '';
}
