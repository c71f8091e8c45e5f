import { pyFloatRepr } from './pyFloat';

/**
 * Writes YAML exactly as MLflow's file store does: `yaml.dump(data, default_flow_style=False,
 * allow_unicode=True, sort_keys=True, Dumper=CSafeDumper)`, i.e. PyYAML's YAML 1.1 resolver deciding
 * what must be quoted and libyaml's emitter deciding how (quote style, escapes, folding at width 80,
 * indent 2). Byte-for-byte output matters because a Python process reading or diffing a store we
 * wrote must see what MLflow itself would have written; test/unit/format/pyYaml.test.ts fuzzes this
 * module against the real CSafeDumper.
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

/** YAML 1.1 implicit types (PyYAML's resolver): a str that would read back as one of these is quoted. */
const IMPLICIT: { first: string; re: RegExp }[] = [
  { first: 'yYnNtTfFoO', re: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/ },
  {
    first: '-+0123456789.',
    re: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  },
  {
    first: '-+0123456789',
    re: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  },
  { first: '<', re: /^(?:<<)$/ },
  { first: '~nN', re: /^(?:~|null|Null|NULL|)$/ },
  {
    first: '0123456789',
    re: /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  },
  { first: '=', re: /^(?:=)$/ },
];

/** True when the string, written plain, would be read back as a str (PyYAML's `implicit[0]`). */
function plainReadsAsString(s: string): boolean {
  if (s === '') return false;
  // Python's `$` also matches before a final newline.
  const probe = s.endsWith('\n') ? s.slice(0, -1) : s;
  for (const r of IMPLICIT) if (r.first.includes(s[0]) && r.re.test(probe)) return false;
  return true;
}

const isBreak = (c: string) => c === '\n' || c === '\r' || c === '\x85' || c === '\u2028' || c === '\u2029';
const isBlankZ = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || c === '\0' || isBreak(c);

/** libyaml's IS_PRINTABLE: narrower than PyYAML's (NEL and characters beyond the BMP are not). */
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
}

function analyze(chars: string[]): Analysis {
  if (chars.length === 0) return { empty: true, multiline: false, blockPlain: true, singleQuoted: true };
  const s = chars.join('');
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWs = true;
  let prevSpace = false;
  let prevBreak = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const followedByWs = isBlankZ(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':') && followedByWs) blockIndicators = true;
      if (ch === '-' && followedByWs) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWs) blockIndicators = true;
      if (ch === '#' && precededByWs) blockIndicators = true;
    }
    if (!isPrintable(ch)) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(ch)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankZ(ch);
  }
  let blockPlain = true;
  let singleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (breakSpace) blockPlain = singleQuoted = false;
  if (spaceBreak || special) blockPlain = singleQuoted = false;
  if (lineBreaks) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  return { empty: false, multiline: lineBreaks, blockPlain, singleQuoted };
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\t': 't',
  '\n': 'n',
  '\x0b': 'v',
  '\x0c': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent = 0;

  private put(s: string, width = [...s].length): void {
    this.out += s;
    this.column += width;
  }

  writeIndicator(ind: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    this.put(this.whitespace || !needWhitespace ? ind : ' ' + ind);
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
  }

  writeBreak(ch = '\n'): void {
    this.out += ch;
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
  }

  writeIndent(): void {
    if (!this.indention || this.column > this.indent || (this.column === this.indent && !this.whitespace)) this.writeBreak();
    if (this.column < this.indent) this.put(' '.repeat(this.indent - this.column));
    this.whitespace = true;
    this.indention = true;
  }

  scalar(value: string, plainImplicit: boolean, simpleKey: boolean): void {
    const chars = [...value];
    const a = analyze(chars);
    let style: 'plain' | 'single' | 'double' = 'plain';
    if (simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlain) style = 'single';
      if (a.empty && simpleKey) style = 'single';
      if (!plainImplicit) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    const split = !simpleKey;
    if (style === 'plain') this.writePlain(chars, split);
    else if (style === 'single') this.writeSingle(chars, split);
    else this.writeDouble(chars, split);
  }

  private writePlain(chars: string[], split: boolean): void {
    if (chars.length === 0) return;
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (ch === ' ') {
        if (split && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ') this.writeIndent();
        else this.put(ch, 1);
        spaces = true;
      } else {
        this.put(ch, 1);
        spaces = false;
      }
      this.whitespace = false;
      this.indention = false;
    }
  }

  private writeSingle(chars: string[], split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (ch === ' ') {
        if (split && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1 && chars[i + 1] !== ' ') this.writeIndent();
        else this.put(ch, 1);
        spaces = true;
      } else if (isBreak(ch)) {
        if (!breaks && ch === '\n') this.writeBreak();
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch === "'" ? "''" : ch, ch === "'" ? 2 : 1);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    if (breaks) this.writeIndent();
    this.writeIndicator("'", false);
  }

  private writeDouble(chars: string[], split: boolean): void {
    this.writeIndicator('"', true);
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      const cp = ch.codePointAt(0)!;
      if (!isPrintable(ch) || cp === 0xfeff || isBreak(ch) || ch === '"' || ch === '\\') {
        const esc = ESCAPES[ch];
        const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
        this.put(esc !== undefined ? '\\' + esc : cp <= 0xff ? '\\x' + hex(cp, 2) : cp <= 0xffff ? '\\u' + hex(cp, 4) : '\\U' + hex(cp, 8));
        spaces = false;
      } else if (ch === ' ') {
        if (split && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
          this.writeIndent();
          if (chars[i + 1] === ' ') this.put('\\');
        } else this.put(ch, 1);
        spaces = true;
      } else {
        this.put(ch, 1);
        spaces = false;
      }
    }
    this.writeIndicator('"', false);
  }

  node(v: YamlValue, simpleKey = false): void {
    if (v === null) return this.scalar('null', true, simpleKey);
    if (typeof v === 'boolean') return this.scalar(v ? 'true' : 'false', true, simpleKey);
    if (typeof v === 'number') return this.scalar(Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? intText(v) : pyYamlFloat(v), true, simpleKey);
    if (typeof v === 'string') return this.scalar(v, plainReadsAsString(v), simpleKey);
    if (Array.isArray(v)) return this.sequence(v);
    return this.mapping(v);
  }

  private withIndent(fn: () => void, indentless = false): void {
    const saved = this.indent;
    if (!indentless) this.indent += BEST_INDENT;
    fn();
    this.indent = saved;
  }

  private sequence(items: YamlValue[]): void {
    if (items.length === 0) {
      this.writeIndicator('[', true, true);
      this.writeIndicator(']', false);
      return;
    }
    // Block sequences that are mapping values are written without extra indent ("- x" under the key).
    this.withIndent(() => {
      for (const item of items) {
        this.writeIndent();
        this.writeIndicator('-', true, false, true);
        this.withIndent(() => this.node(item));
      }
    }, !this.indention);
  }

  mapping(m: { [key: string]: YamlValue }, root = false): void {
    const keys = Object.keys(m).sort(compareCodePoints);
    if (keys.length === 0) {
      this.writeIndicator('{', true, true);
      this.writeIndicator('}', false);
      return;
    }
    const body = () => {
      for (const k of keys) {
        this.writeIndent();
        // Long or multi-line keys would need libyaml's "? key" form; MLflow's keys (field and alias names) never do.
        if ([...k].length > 128 || [...k].some(isBreak)) throw new Error(`YAML key cannot be written as a simple key: ${JSON.stringify(k.slice(0, 40))}`);
        this.node(k, true);
        this.writeIndicator(':', false);
        const v = m[k];
        // Scalars continue folded lines one level deeper; block collections indent themselves.
        if (isScalar(v) || isEmptyCollection(v)) this.withIndent(() => this.node(v));
        else this.node(v);
      }
    };
    if (root) body();
    else this.withIndent(body);
  }
}

function isScalar(v: YamlValue): boolean {
  return v === null || typeof v !== 'object';
}

function isEmptyCollection(v: YamlValue): boolean {
  return Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

function intText(n: number): string {
  return Object.is(n, -0) ? '0' : BigInt(n).toString();
}

/** PyYAML's represent_float: `.nan`, `.inf`, and a `.0` forced into exponent forms (`1.0e-05`). */
function pyYamlFloat(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  let s = pyFloatRepr(x).toLowerCase();
  if (!s.includes('.') && s.includes('e')) s = s.replace('e', '.0e');
  return s;
}

/** Python's default str ordering (by code point), which `sort_keys=True` uses. */
export function compareCodePoints(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/** `yaml.safe_dump(data, default_flow_style=False, allow_unicode=True)` of a top-level mapping. */
export function dumpPyYaml(data: { [key: string]: YamlValue }): string {
  const e = new Emitter();
  e.mapping(data, true);
  e.writeIndent();
  return e.out;
}
