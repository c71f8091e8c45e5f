import { readdirSync, statSync } from 'node:fs';
import { MAX_METADATA_FILE_BYTES, readRegularFileSync } from '../core/store/boundedRead';
import { join, resolve } from 'node:path';
import { analyze, languageForPath } from '../core/lang/analysis';
import { isGatewayConfig, isYamlPath } from '../core/lang/gatewayFiles';
import type { LanguageId } from '../core/lang/types';
import { nodeFileProbe } from '../core/lang/nodeFileProbe';
import type { Diagnostic } from '../core/lang/types';
import { neutralizeText } from '../core/model/display';

/**
 * `mlwb lint PATH... [--json]`: the language server's analysis for CI. Folders are searched
 * recursively for MLproject (any case, as MLflow finds it) and MLmodel files, and for YAML files
 * that are AI Gateway configs by content; a YAML file named on the command line is checked as a
 * gateway config.
 * Exit codes: 0 clean or warnings only, 1 at least one error, 2 usage problems.
 */
export async function runLint(args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const json = args.includes('--json');
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--json');
  const paths = args.filter((a) => !a.startsWith('-'));
  if (unknown.length) {
    err(`mlwb lint: unknown option ${unknown[0]}\nusage: mlwb lint PATH... [--json]`);
    return 2;
  }
  if (paths.length === 0) {
    err('usage: mlwb lint PATH... [--json]');
    return 2;
  }
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      err(`mlwb lint: no such file or folder: ${p}`);
      return 2;
    }
    if (st.isDirectory()) collect(p, files);
    else files.push(p);
  }
  const rows: { file: string; line: number; column: number; endLine: number; endColumn: number; severity: Diagnostic['severity']; message: string; code: string }[] = [];
  for (const file of files) {
    const lang: LanguageId = languageForPath(file) ?? (isYamlPath(file) ? 'gateway' : 'mlproject');
    let text: string;
    try {
      text = readRegularFileSync(file, MAX_METADATA_FILE_BYTES, 'a file to lint').toString('utf8');
    } catch (e) {
      err(`mlwb lint: cannot read ${file}: ${(e as Error).message}`);
      return 2;
    }
    const analysis = analyze(lang, text, { path: resolve(file), fs: nodeFileProbe });
    const diags = [...analysis.diagnostics].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    for (const d of diags) {
      rows.push({ file, line: d.range.start.line + 1, column: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1, severity: d.severity, message: d.message, code: d.code });
    }
  }
  if (json) out(JSON.stringify(rows, null, 2));
  else {
    for (const r of rows) out(neutralizeText(`${r.file}:${r.line}:${r.column} ${r.severity} ${r.message}`, { keepNewlines: true }));
    if (files.length === 0) err('mlwb lint: no MLproject, MLmodel or gateway config files found');
  }
  return rows.some((r) => r.severity === 'error') ? 1 : 0;
}

function collect(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === '.git') continue;
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) collect(p, out);
    else if (languageForPath(p) || (isYamlPath(p) && gatewayByContent(p))) out.push(p);
  }
}

/** A YAML file found in a folder counts when its content is a gateway config; unreadable or huge ones are passed over. */
function gatewayByContent(path: string): boolean {
  try {
    return isGatewayConfig(path, readRegularFileSync(path, MAX_METADATA_FILE_BYTES, 'a YAML file').toString('utf8'));
  } catch {
    return false;
  }
}
