import { main } from './main';
import { silenceSqliteExperimentalWarning } from './quietWarnings';

silenceSqliteExperimentalWarning();

// Ctrl-C (or a CI job's SIGTERM) asks `mlwb run` to stop its runs and end them KILLED; a second one exits at once.
// Other commands keep Node's default (exit at once).
const stop = new AbortController();
for (const sig of process.argv[2] === 'run' ? (['SIGINT', 'SIGTERM'] as const) : []) {
  process.on(sig, () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  });
}

main(process.argv.slice(2), {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
  errRaw: (s) => process.stderr.write(s),
  env: process.env,
  cwd: process.cwd(),
  signal: stop.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`mlwb: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
