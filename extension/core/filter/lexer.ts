import { FilterError } from './errors';

/**
 * Tokens of MLflow's search filter / order_by language. MLflow itself tokenises with sqlparse;
 * this lexer reproduces the token boundaries that matter for what MLflow accepts, and keeps
 * offsets so every error can point into the user's text.
 */

export type TokenKind =
  | 'ident' // a bare word or a dotted chain such as metrics.`my key`
  | 'string' // '…'
  | 'dquote' // "…": a key in identifier position, a string in value position
  | 'backtick' // `…` on its own
  | 'number'
  | 'op' // = != <> == < <= > >=
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'semicolon'
  | 'other';

export interface IdentPart {
  /** Raw text, quotes included. */
  raw: string;
  offset: number;
}

export interface Token {
  kind: TokenKind;
  text: string;
  offset: number;
  length: number;
  /** Whitespace text right before the token ('' when adjacent). */
  spaceBefore: string;
  /** For 'ident': the dot-separated parts. */
  parts?: IdentPart[];
}

const WORD_CHAR = /[\p{L}\p{N}_$]/u;
const WORD_START = /[\p{L}_]/u;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/;

/** Scans a quoted run starting at `start` (which holds the quote). Returns its end (exclusive). */
function scanQuoted(src: string, start: number, quote: string, what: string): number {
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    // sqlparse keeps doubled quotes and backslash-escaped quotes inside the token (MLflow does not unescape them).
    if (c === '\\' && quote !== '`' && i + 1 < src.length) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (src[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  throw new FilterError(`Unterminated ${what}: missing closing ${quote}`, src, start, src.length - start);
}

function scanWord(src: string, i: number): number {
  while (i < src.length && WORD_CHAR.test(src[i])) i++;
  return i;
}

/** One identifier part at `i`: a word, `back-ticked`, "double-quoted", or (after a dot) 'single-quoted'. */
function scanPart(src: string, i: number, afterDot: boolean): number | undefined {
  const c = src[i];
  if (c === '`') return scanQuoted(src, i, '`', 'back-ticked name');
  if (c === '"') return scanQuoted(src, i, '"', 'double-quoted name');
  if (afterDot && c === "'") return scanQuoted(src, i, "'", 'quoted name');
  if (c !== undefined && (afterDot ? WORD_CHAR.test(c) : WORD_START.test(c))) return scanWord(src, i);
  return undefined;
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let space = '';
  const push = (kind: TokenKind, end: number, parts?: IdentPart[]) => {
    out.push({ kind, text: src.slice(i, end), offset: i, length: end - i, spaceBefore: space, parts });
    space = '';
    i = end;
  };
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      const m = /^\s+/.exec(src.slice(i))!;
      space = m[0];
      i += m[0].length;
      continue;
    }
    const partEnd = scanPart(src, i, false);
    if (partEnd !== undefined) {
      const parts: IdentPart[] = [{ raw: src.slice(i, partEnd), offset: i }];
      let end = partEnd;
      while (src[end] === '.') {
        const next = scanPart(src, end + 1, true);
        if (next === undefined) break;
        parts.push({ raw: src.slice(end + 1, next), offset: end + 1 });
        end = next;
      }
      if (parts.length > 1 || c !== '"' && c !== '`') push('ident', end, parts);
      else push(c === '"' ? 'dquote' : 'backtick', end, parts);
      continue;
    }
    if (c === "'") {
      push('string', scanQuoted(src, i, "'", 'string'));
      continue;
    }
    const num = NUMBER.exec(src.slice(i));
    if (num && (num[0] !== '-' && num[0] !== '.')) {
      let end = i + num[0].length;
      // "1a" or "1.5.3" are not numbers MLflow accepts; keep the whole run as one bad token.
      if (end < src.length && (WORD_CHAR.test(src[end]) || src[end] === '.')) {
        while (end < src.length && (WORD_CHAR.test(src[end]) || src[end] === '.')) end++;
        push('other', end);
      } else {
        push('number', end);
      }
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '!=' || two === '<>' || two === '==' || two === '<=' || two === '>=') {
      push('op', i + 2);
      continue;
    }
    if (c === '=' || c === '<' || c === '>') push('op', i + 1);
    else if (c === '(') push('lparen', i + 1);
    else if (c === ')') push('rparen', i + 1);
    else if (c === ',') push('comma', i + 1);
    else if (c === ';') push('semicolon', i + 1);
    else push('other', i + 1);
  }
  return out;
}

export function isQuoted(s: string, q: string): boolean {
  return s.length >= 2 && s.startsWith(q) && s.endsWith(q);
}

/** MLflow strips one pair of ' or " quotes, then one pair of back-ticks; nothing is unescaped. */
export function stripKeyQuotes(s: string): string {
  let v = s;
  if (isQuoted(v, "'") || isQuoted(v, '"')) v = v.slice(1, -1);
  if (isQuoted(v, '`')) v = v.slice(1, -1);
  return v;
}
