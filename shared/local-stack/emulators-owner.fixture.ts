import { startEmulators, type StartEmulatorsOptions } from './emulators.ts';

/**
 * A process that owns a pair of emulators, for tests that kill it: started with a JSON
 * `StartEmulatorsOptions` argument, it prints `{"pids": …, "protection": …}` once both are ready
 * and then waits to be killed.
 */
const options = JSON.parse(process.argv[2] ?? '{}') as StartEmulatorsOptions;
const emulators = await startEmulators(options);
process.stdout.write(`${JSON.stringify({ pids: emulators.pids, protection: emulators.protection })}\n`);
setInterval(() => {}, 60_000);
