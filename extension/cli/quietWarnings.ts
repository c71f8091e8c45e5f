/**
 * `mlwb` reads SQLite stores with `node:sqlite` where Node has it (22.5+). Node 22 and 23 announce
 * that module with an ExperimentalWarning on stderr, which a script reading mlwb's stderr would
 * take for a problem with its store. Only that one warning is dropped; every other warning passes.
 */
export function silenceSqliteExperimentalWarning(proc: NodeJS.Process = process): void {
  const emit = proc.emitWarning;
  const filtered = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type ?? (warning instanceof Error ? warning.name : undefined);
    const text = typeof warning === 'string' ? warning : warning.message;
    if (type === 'ExperimentalWarning' && /\bSQLite\b/.test(text)) return;
    (emit as (...a: unknown[]) => void).call(proc, warning, ...rest);
  };
  proc.emitWarning = filtered as NodeJS.Process['emitWarning'];
}
