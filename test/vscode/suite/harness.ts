import { writeFileSync, renameSync } from 'node:fs';
import * as vscode from 'vscode';

/** One named check run inside the extension host. */
export interface TestCase {
  name: string;
  fn: () => Promise<void>;
}

export interface CaseResult {
  name: string;
  ok: boolean;
  error?: string;
}

export interface SuiteResults {
  passed: number;
  failed: number;
  results: CaseResult[];
}

/** Per-case limit: a hung language-server request must fail its case, not the whole launch. */
const CASE_TIMEOUT_MS = 60_000;

export async function runCases(cases: TestCase[], log: (line: string) => void): Promise<SuiteResults> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        c.fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`did not finish within ${CASE_TIMEOUT_MS / 1000} s`)), CASE_TIMEOUT_MS);
        }),
      ]);
      results.push({ name: c.name, ok: true });
      log(`PASS ${c.name}`);
    } catch (e) {
      const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      results.push({ name: c.name, ok: false, error });
      log(`FAIL ${c.name}: ${error.split('\n')[0]}`);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, results };
}

/** Written atomically: the launcher polls for this file and must never read half of it. */
export function writeResults(path: string, results: SuiteResults): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(results, null, 1));
  renameSync(tmp, path);
}

/** Resolves when `check` returns a value; language-server answers arrive asynchronously. */
export async function waitFor<T>(what: string | (() => string), check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function mlflowDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'mlflow');
}

export function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}
