import { neutralizeText } from '../core/model/display';

/** Minimal option parser for mlwb: `--name value`, `--name=value` and boolean flags. */

export interface ParsedArgs {
  options: Record<string, string | boolean>;
  positional: string[];
  /** Repeatable options (e.g. --order-by), in the order given. */
  lists: Record<string, string[]>;
}

const BOOLEAN_FLAGS = new Set(['json', 'all', 'csv', 'archive-existing']);
const REPEATABLE = new Set(['order-by', 'run']);

export function parseArgs(argv: string[], allowed: string[]): ParsedArgs {
  const options: Record<string, string | boolean> = {};
  const positional: string[] = [];
  const lists: Record<string, string[]> = {};
  const set = (name: string, value: string) => {
    if (REPEATABLE.has(name)) (lists[name] ??= []).push(value);
    else options[name] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    if (!allowed.includes(name)) throw new ArgsError(`unknown option --${name}`);
    if (BOOLEAN_FLAGS.has(name)) {
      options[name] = true;
    } else if (eq !== -1) {
      set(name, a.slice(eq + 1));
    } else {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new ArgsError(`--${name} needs a value`);
      set(name, v);
      i++;
    }
  }
  if (positional.length) throw new ArgsError(`unexpected argument '${positional[0]}'`);
  return { options, positional, lists };
}

export class ArgsError extends Error {}

/** Columns for a terminal; every cell is neutralized, since store strings may carry escape sequences. */
export function formatTable(header: string[], rawRows: string[][]): string {
  const rows = rawRows.map((r) => r.map((c) => neutralizeText(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
