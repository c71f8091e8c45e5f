import { main } from './main';
import { silenceSqliteExperimentalWarning } from './quietWarnings';

silenceSqliteExperimentalWarning();

main(process.argv.slice(2), {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`mlwb: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
