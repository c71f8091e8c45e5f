import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { fastParseYaml } from './fastYaml';
import { LineIndex } from './text';
import type { Diagnostic, Range } from './types';

/**
 * YAML parsing shared by both file kinds. MLflow reads these files with PyYAML's `safe_load`
 * (YAML 1.1), so scalar typing here follows PyYAML, not the `yaml` package's own 1.1 schema
 * (which, for one, reads `1e-3` as a number where PyYAML keeps a string).
 */
/** What the analysis reads of a parsed document (the `yaml` package's Document, or the fast path's). */
export interface ParsedDoc {
  contents: unknown;
  errors: readonly { pos: [number, number]; message: string }[];
}

export interface ParsedYaml {
  text: string;
  lines: LineIndex;
  doc: ParsedDoc;
  diagnostics: Diagnostic[];
  /** True when the parser reported errors: the tree may be partial. */
  broken: boolean;
}

export function parseYaml(text: string, source: 'mlproject' | 'mlmodel' | 'gateway'): ParsedYaml {
  const lines = new LineIndex(text);
  // The fast path builds the same nodes for the common shapes of these files; anything else (and every
  // broken file) goes through the full parser, which also produces the error messages.
  const doc: ParsedDoc = fastParseYaml(text) ?? parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: false, keepSourceTokens: false, strict: false });
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const [s, t] = e.pos;
    diagnostics.push({
      range: lines.range(s, Math.max(t, s + 1)),
      severity: 'error',
      code: `${source}/yaml-syntax`,
      message: `YAML syntax error: ${firstLine(e.message)} (PyYAML cannot load this file)`,
    });
  }
  return { text, lines, doc, diagnostics, broken: doc.errors.length > 0 };
}

function firstLine(s: string): string {
  const l = s.split('\n')[0];
  return l.length > 200 ? l.slice(0, 200) + '…' : l;
}

export function rangeOf(p: ParsedYaml, node: Node | null | undefined, fallback?: Range): Range {
  if (node && node.range) return p.lines.range(node.range[0], node.range[1]);
  return fallback ?? p.lines.range(0, 0);
}

export function keyName(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) {
    // Plain keys keep their text: the yaml package's 1.1 schema turns `n`/`y` into booleans, PyYAML does not.
    const src = (k as Scalar & { source?: string }).source;
    if (k.type === 'PLAIN' && typeof src === 'string') return src;
    return k.value === null || k.value === undefined ? '' : String(k.value);
  }
  return undefined;
}

export function keyRange(p: ParsedYaml, pair: Pair): Range {
  const k = pair.key as Node | null;
  if (k && k.range) return p.lines.range(k.range[0], k.range[1]);
  const v = pair.value as Node | null;
  return rangeOf(p, v);
}

/** Whole pair extent (key through value), in offsets. */
export function pairOffsets(pair: Pair): [number, number] | undefined {
  const k = pair.key as Node | null;
  const v = pair.value as Node | null;
  const start = k?.range?.[0] ?? v?.range?.[0];
  const end = v?.range?.[1] ?? k?.range?.[1];
  if (start === undefined || end === undefined) return undefined;
  return [start, end];
}

export function mapPairs(node: unknown): Pair[] {
  return isMap(node) ? (node.items as Pair[]).filter((i) => isPair(i)) : [];
}

export function getPair(map: unknown, key: string): Pair | undefined {
  let found: Pair | undefined;
  // PyYAML keeps the last of duplicate keys.
  for (const pair of mapPairs(map)) if (keyName(pair) === key) found = pair;
  return found;
}

export function isNullNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === undefined));
}

export type PyKind = 'str' | 'int' | 'float' | 'bool' | 'null' | 'timestamp' | 'map' | 'seq' | 'alias';

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP = /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

/** The Python type PyYAML's safe_load gives a node (plain scalars resolved with YAML 1.1 rules). */
export function pyKind(node: unknown): PyKind {
  if (node === null || node === undefined) return 'null';
  if (isMap(node)) return 'map';
  if (isSeq(node)) return 'seq';
  if (isAlias(node)) return 'alias';
  if (!isScalar(node)) return 'str';
  const s = node as Scalar;
  if (s.type !== 'PLAIN') {
    if (s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE' || s.type === 'BLOCK_FOLDED' || s.type === 'BLOCK_LITERAL') return s.tag === '!!null' ? 'null' : 'str';
  }
  if (s.tag && s.tag !== '?') {
    const t = s.tag.replace(/^tag:yaml.org,2002:/, '!!');
    if (t === '!!str') return 'str';
    if (t === '!!int') return 'int';
    if (t === '!!float') return 'float';
    if (t === '!!bool') return 'bool';
    if (t === '!!null') return 'null';
  }
  const src = plainSource(s);
  if (NULL.test(src)) return 'null';
  if (BOOL.test(src)) return 'bool';
  if (INT.test(src)) return 'int';
  if (FLOAT.test(src)) return 'float';
  if (TIMESTAMP.test(src)) return 'timestamp';
  return 'str';
}

function plainSource(s: Scalar): string {
  const src = (s as Scalar & { source?: string }).source;
  return typeof src === 'string' ? src : s.value === null || s.value === undefined ? '' : String(s.value);
}

/** A scalar's string as PyYAML gives it when it resolves to str (plain scalars keep their text). */
export function strValue(node: unknown): string {
  if (!isScalar(node)) return '';
  const src = (node as Scalar & { source?: string }).source;
  if (node.type === 'PLAIN' && typeof src === 'string') return src;
  return node.value === null || node.value === undefined ? '' : String(node.value);
}

/** Source text of a plain scalar as written (before any typing). */
export function scalarSource(p: ParsedYaml, node: Node): string {
  if (node.range) return p.text.slice(node.range[0], node.range[1]);
  return isScalar(node) ? String(node.value ?? '') : '';
}

/**
 * What Python's `str()` gives for the value PyYAML loads from a plain scalar — the text MLflow
 * substitutes into commands. Undefined when it equals the text as written.
 */
export function pythonStr(p: ParsedYaml, node: Node): string | undefined {
  if (!isScalar(node) || node.type !== 'PLAIN') return undefined;
  const src = scalarSource(p, node).trim();
  const kind = pyKind(node);
  let out: string;
  switch (kind) {
    case 'bool':
      out = /^(?:yes|true|on)$/i.test(src) ? 'True' : 'False';
      break;
    case 'null':
      out = 'None';
      break;
    case 'int':
      out = String(pyInt(src));
      break;
    case 'float':
      out = pyFloatRepr(pyFloat(src));
      break;
    default:
      return undefined;
  }
  return out === src ? undefined : out;
}

function pyInt(src: string): bigint | string {
  let s = src.replace(/_/g, '');
  let sign = 1n;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1n;
    s = s.slice(1);
  }
  try {
    if (s === '0') return 0n;
    if (s.startsWith('0b')) return sign * BigInt(s);
    if (s.startsWith('0x')) return sign * BigInt(s);
    if (s.includes(':')) return sign * s.split(':').reduce((acc, part) => acc * 60n + BigInt(part), 0n);
    if (s.startsWith('0')) return sign * BigInt('0o' + s.slice(1));
    return sign * BigInt(s);
  } catch {
    return src;
  }
}

function pyFloat(src: string): number {
  let s = src.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (s.includes(':')) return sign * s.split(':').reduce((acc, part) => acc * 60 + parseFloat(part), 0);
  return sign * parseFloat(s);
}

/** Python's repr() of a float: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let body: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return (neg ? '-' : '') + body;
}

/**
 * Maps each character of a scalar's loaded value back to a source offset, so diagnostics about
 * text inside a string (a `{placeholder}`, signature JSON) point at the exact characters even when
 * PyYAML folded the string over several lines or it has quote escapes. Returns an array of
 * value.length + 1 offsets, or undefined when the alignment fails (callers then use the scalar's
 * whole range).
 */
export function scalarOffsets(p: ParsedYaml, node: Scalar): number[] | undefined {
  if (!node.range || typeof node.value !== 'string') return undefined;
  const value = node.value;
  const src = p.text;
  const end = node.range[1];
  let j = node.range[0];
  const style = node.type;
  if (style === 'QUOTE_SINGLE' || style === 'QUOTE_DOUBLE') j += 1;
  else if (style === 'BLOCK_FOLDED' || style === 'BLOCK_LITERAL') {
    const nl = src.indexOf('\n', j);
    if (nl < 0 || nl >= end) return undefined;
    j = nl + 1;
  }
  const map = new Array<number>(value.length + 1);
  const isWs = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    for (;;) {
      if (j >= end) return undefined;
      const s = src[j];
      if (style === 'QUOTE_DOUBLE' && s === '\\') {
        const n = src[j + 1];
        if (n === '\n' || n === '\r') {
          j += 2;
          while (j < end && isWs(src[j])) j++;
          continue;
        }
        map[i] = j;
        j += n === 'x' ? 4 : n === 'u' ? 6 : n === 'U' ? 10 : 2;
        break;
      }
      if (s === c) {
        map[i] = j;
        j += style === 'QUOTE_SINGLE' && s === "'" ? 2 : 1;
        break;
      }
      if ((c === ' ' || c === '\n') && isWs(s)) {
        map[i] = j;
        while (j < end && isWs(src[j]) && src[j] !== c) j++;
        if (src[j] === c && c === ' ') j++;
        else if (src[j] === c && c === '\n') j++;
        break;
      }
      if (isWs(s) || s === '\\') {
        j++;
        continue;
      }
      return undefined;
    }
  }
  map[value.length] = Math.min(j, end);
  return map;
}

export { isMap, isScalar, isSeq, isPair, isAlias };
export type { Pair, Scalar, YAMLMap, Node };
