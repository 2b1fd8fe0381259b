/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  /** Measured runs per conversation length (after one warm-up run). */
  repetitions: number;
  /** Where the JSON figures go. */
  outFile: string;
}

export const benchUsage = 'usage: npm run bench -- [--repetitions N] [--out FILE]';

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { repetitions: 5, outFile: 'bench/results/latest.json' };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[index + 1];
    if (flag === '--repetitions' && value && /^[1-9]\d*$/.test(value)) options.repetitions = Number(value);
    else if (flag === '--out' && value) options.outFile = value;
    else throw new Error(`Unknown or incomplete option ${flag ?? ''}; ${benchUsage}`);
    index++;
  }
  return options;
}
