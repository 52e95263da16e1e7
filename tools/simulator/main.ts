/**
 * `npm run simulate -- --agents N --eps E --url ws://…/agent`: a fleet of simulated agents speaking
 * the real protocol against a console, for sizing a deployment. See docs/OPERATIONS.md.
 */
import { parseSimulatorOptions, SIMULATOR_USAGE, wantsHelp } from './options';
import { runSimulator, runWorker } from './run-simulator';

function main(): void {
  if (process.env.DLP_SIMULATOR_WORKER === '1') return runWorker();
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(`${SIMULATOR_USAGE}\n`);
    process.exit(0);
  }
  let options;
  try {
    options = parseSimulatorOptions(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${SIMULATOR_USAGE}\n`);
    process.exit(2);
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  runSimulator(options, { write: (line) => void process.stdout.write(`${line}\n`), signal: stop.signal, workerEntry: __filename }).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`simulator: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

main();
