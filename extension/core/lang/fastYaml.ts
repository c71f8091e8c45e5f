import { Document, isScalar, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';

/**
 * A fast path for the YAML that MLproject and MLmodel files are made of: block mappings and
 * sequences with plain keys, plain and single-line quoted scalars, single-line flow collections,
 * `|` block scalars and comments. It builds the same node objects, values and ranges as the `yaml`
 * package's composer (which costs ~8x more on a 1,000-line file), and gives up — returning
 * undefined — at the first construct outside that subset or anything that might be an error, so the
 * caller falls back to the full parser. `fastYaml.test.ts` checks node-for-node equality with the
 * `yaml` package on the corpus and its fuzz mutations.
 */

const OPTIONS = { version: '1.1' as const, uniqueKeys: false, strict: false };
let schemaDoc: Document | undefined;
function schema() {
  schemaDoc ??= new Document(null, OPTIONS);
  return schemaDoc.schema;
}

/**
 * The `yaml` package marks each node with an own symbol property set by Object.defineProperty in
 * its constructors, which is a tenth of the analysis time on large files. Our nodes inherit the
 * same mark (and the collections' schema) from a prototype instead: the `isMap`/`isScalar`/… guards
 * and the node methods behave the same.
 */
function markedProto<T extends object>(proto: T, sample: object, extra: PropertyDescriptorMap = {}): T {
  const sym = Object.getOwnPropertySymbols(sample)[0];
  return Object.create(proto, { [sym]: { value: (sample as Record<symbol, unknown>)[sym] }, ...extra }) as T;
}
let protos: { scalar: Scalar; pair: Pair; map: YAMLMap; seq: YAMLSeq } | undefined;
function nodeProtos() {
  if (!protos) {
    const withSchema = { schema: { value: schema(), writable: true, configurable: true, enumerable: false } };
    protos = {
      scalar: markedProto(Scalar.prototype, new Scalar(null)),
      pair: markedProto(Pair.prototype, new Pair(null)),
      map: markedProto(YAMLMap.prototype, new YAMLMap(), withSchema),
      seq: markedProto(YAMLSeq.prototype, new YAMLSeq(), withSchema),
    };
  }
  return protos;
}
function newScalar(value: unknown): Scalar {
  const n = Object.create(nodeProtos().scalar) as Scalar;
  n.value = value;
  return n;
}
function newPair(key: Node, value: Node): Pair {
  const n = Object.create(nodeProtos().pair) as Pair;
  n.key = key;
  n.value = value;
  return n;
}
function newMap(): YAMLMap {
  const n = Object.create(nodeProtos().map) as YAMLMap;
  n.items = [];
  return n;
}
function newSeq(): YAMLSeq {
  const n = Object.create(nodeProtos().seq) as YAMLSeq;
  n.items = [];
  return n;
}

class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp();
};

interface Line {
  start: number;
  /** offset just past the line's newline (or the end of text) */
  next: number;
  /** offset of the newline, or the end of text */
  end: number;
  indent: number;
  /** blank or comment-only */
  empty: boolean;
}

export interface FastDoc {
  contents: Node;
  errors: never[];
}

export function fastParseYaml(text: string): FastDoc | undefined {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    return new FastParser(text).document();
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

class FastParser {
  private lines: Line[] = [];
  private i = 0;

  constructor(private readonly text: string) {
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      let c = start;
      while (c < end && text.charCodeAt(c) === 32) c++;
      const first = text[c];
      this.lines.push({ start, end, next: Math.min(end + 1, text.length), indent: c - start, empty: c === end || first === '#' });
      start = end + 1;
    }
  }

  document(): FastDoc {
    this.skipEmpty();
    const first = this.lines[this.i];
    if (!first || first.indent !== 0) giveUp();
    const head = this.text.slice(first.start, first.start + 3);
    if (head === '---' || head === '...' || head[0] === '%' || head[0] === '-') giveUp();
    const root = this.mapping(0);
    this.skipEmpty();
    if (this.i < this.lines.length) giveUp();
    return { contents: root, errors: [] };
  }

  private skipEmpty(): void {
    while (this.i < this.lines.length && this.lines[this.i].empty) this.i++;
  }

  private peekContent(): Line | undefined {
    let j = this.i;
    while (j < this.lines.length && this.lines[j].empty) j++;
    return this.lines[j];
  }

  /** A block mapping whose keys sit at `indent`; the current line holds its first key. */
  private mapping(indent: number, firstKeyCol?: number): YAMLMap {
    const map = newMap();
    let start = -1;
    let end = -1;
    for (;;) {
      let col: number;
      if (firstKeyCol !== undefined) {
        col = firstKeyCol;
        firstKeyCol = undefined;
      } else {
        const before = this.i;
        this.skipEmpty();
        const line = this.lines[this.i];
        if (!line || line.indent < indent) {
          this.noIndentedComments(before);
          break;
        }
        if (line.indent > indent) giveUp();
        col = line.start + line.indent;
        if (this.text[col] === '-' && (this.text[col + 1] === ' ' || col + 1 === line.end)) break;
      }
      const pair = this.pair(col, indent);
      if (start < 0) start = col;
      end = (pair.value as Node).range![2];
      map.items.push(pair);
    }
    if (start < 0) giveUp();
    map.range = [start, end, end];
    return map;
  }

  private pair(col: number, indent: number): Pair {
    const line = this.lines[this.i];
    const key = this.plainKey(col, line.end);
    let c = key.range![1] + 1;
    while (c < line.end && this.text.charCodeAt(c) === 32) c++;
    if (c === line.end || this.text[c] === '#') {
      this.i++;
      const next = this.peekContent();
      if (next && next.indent > indent) {
        this.skipEmpty();
        return newPair(key, this.blockNode(next.indent));
      }
      if (next && next.indent === indent && this.isSeqItem(next)) {
        this.skipEmpty();
        return newPair(key, this.sequence(indent));
      }
      // Comment lines after an empty value become part of its extent in the yaml package: not worth mirroring.
      for (let j = this.i; j < this.lines.length && this.lines[j].empty; j++) {
        if (this.lines[j].indent !== this.lines[j].end - this.lines[j].start) giveUp();
      }
      // `key:  # comment` stretches the empty value into the next line's indentation: leave it to the full parser.
      if (c !== line.end) giveUp();
      const nul = this.resolvePlain('', false);
      nul.range = [c, c, c];
      return newPair(key, nul);
    }
    return newPair(key, this.inlineValue(c, indent));
  }

  /** Indented comments after a collection's last item stretch its range in the yaml package in ways not worth mirroring. */
  private noIndentedComments(from: number): void {
    for (let j = from; j < this.i; j++) {
      const l = this.lines[j];
      if (l.indent > 0 && l.indent !== l.end - l.start) giveUp();
    }
  }

  private isSeqItem(line: Line): boolean {
    const c = line.start + line.indent;
    return this.text[c] === '-' && (this.text[c + 1] === ' ' || c + 1 === line.end);
  }

  /** A node starting on the current line at `indent` (a mapping or a sequence). */
  private blockNode(indent: number): Node {
    const line = this.lines[this.i];
    if (this.isSeqItem(line)) return this.sequence(indent);
    return this.mapping(indent);
  }

  private sequence(indent: number): YAMLSeq {
    const seq = newSeq();
    let start = -1;
    let end = -1;
    for (;;) {
      const before = this.i;
      this.skipEmpty();
      const line = this.lines[this.i];
      if (!line || line.indent < indent || !this.isSeqItem(line) || line.indent !== indent) {
        if (line && line.indent > indent) giveUp();
        this.noIndentedComments(before);
        break;
      }
      const dash = line.start + line.indent;
      if (start < 0) start = dash;
      let c = dash + 1;
      while (c < line.end && this.text.charCodeAt(c) === 32) c++;
      let item: Node;
      if (c === line.end || this.text[c] === '#') {
        giveUp();
      }
      const ch = this.text[c];
      if (ch === '-' && (this.text[c + 1] === ' ' || c + 1 === line.end)) giveUp();
      if (this.looksLikeKey(c, line.end)) item = this.mapping(c - line.start, c);
      else item = this.inlineValue(c, indent);
      end = item.range![2];
      seq.items.push(item);
    }
    seq.range = [start, end, end];
    return seq;
  }

  private looksLikeKey(c: number, lineEnd: number): boolean {
    const ch = this.text[c];
    if (ch === '"' || ch === "'" || ch === '{' || ch === '[' || ch === '|' || ch === '>') return false;
    const colon = this.keyColon(c, lineEnd);
    return colon >= 0;
  }

  /** The `:` that ends a plain key starting at c, or -1. */
  private keyColon(c: number, lineEnd: number): number {
    for (let k = c; k < lineEnd; k++) {
      const ch = this.text.charCodeAt(k);
      if (ch === 58 /* : */ && (k + 1 === lineEnd || this.text.charCodeAt(k + 1) === 32)) return k;
      if (ch === 35 /* # */ && this.text.charCodeAt(k - 1) === 32) return -1;
    }
    return -1;
  }

  private plainKey(c: number, lineEnd: number): Scalar {
    const ch = this.text[c];
    if ('-?:,[]{}#&*!|>\'"%@`'.includes(ch)) giveUp();
    const colon = this.keyColon(c, lineEnd);
    if (colon < 0 || this.text.charCodeAt(colon - 1) === 32) giveUp();
    const src = this.text.slice(c, colon);
    if (src === '<<') giveUp();
    const key = this.resolvePlain(src, true);
    key.range = [c, colon, colon];
    return key;
  }

  /** A value that starts at column offset c of the current line, in block context; consumes its lines. */
  private inlineValue(c: number, parentIndent: number): Node {
    const line = this.lines[this.i];
    const ch = this.text[c];
    if (ch === '|' || ch === '>') return this.blockScalar(c, parentIndent);
    if ('&*!?@`%,]}#'.includes(ch)) giveUp();
    let node: Node;
    let valueEnd: number;
    let lastLine = this.i;
    if (ch === '{' || ch === '[') {
      const r = this.flow(c, line.end);
      node = r.node;
      valueEnd = r.end;
    } else if (ch === "'" || ch === '"') {
      const r = this.quotedLines(c, parentIndent);
      node = r.node;
      valueEnd = r.end;
      lastLine = r.lastLine;
    } else {
      if (ch === '-' || ch === ':') {
        const n = this.text[c + 1];
        if (n === ' ' || n === undefined || c + 1 === line.end) giveUp();
      }
      let e = c;
      for (; e < line.end; e++) {
        const x = this.text.charCodeAt(e);
        if (x === 35 /* # */ && this.text.charCodeAt(e - 1) === 32) break;
        if (x === 58 /* : */ && (e + 1 === line.end || this.text.charCodeAt(e + 1) === 32)) giveUp();
      }
      const commented = e < line.end;
      while (this.text.charCodeAt(e - 1) === 32) e--;
      const r = commented ? { value: this.text.slice(c, e), end: e, lastLine: this.i } : this.plainContinuation(this.text.slice(c, e), e, parentIndent);
      node = this.resolvePlain(r.value, false);
      valueEnd = r.end;
      lastLine = r.lastLine;
    }
    // Only spaces and a comment may follow on the line.
    const last = this.lines[lastLine];
    let k = valueEnd;
    while (k < last.end && this.text.charCodeAt(k) === 32) k++;
    if (k < last.end && !(this.text[k] === '#' && k > valueEnd)) giveUp();
    this.i = lastLine + 1;
    // A more-indented line right after would continue a plain or quoted scalar: leave that to the full parser.
    const next = this.peekContent();
    const rawNext = this.lines[this.i];
    if (rawNext && !rawNext.empty && rawNext.indent > parentIndent) giveUp();
    if (next && next.indent > parentIndent && next !== rawNext) giveUp();
    node.range = [c, valueEnd, last.next];
    return node;
  }

  /**
   * Folds the lines that continue a plain scalar (more indented than its parent): one line break
   * becomes a space, n blank lines become n newlines.
   */
  private plainContinuation(first: string, firstEnd: number, parentIndent: number): { value: string; end: number; lastLine: number } {
    let value = first;
    let end = firstEnd;
    let lastLine = this.i;
    for (;;) {
      let j = lastLine + 1;
      let breaks = 0;
      while (j < this.lines.length && this.lines[j].indent === this.lines[j].end - this.lines[j].start && this.lines[j].start < this.text.length) {
        breaks++;
        j++;
      }
      const l = this.lines[j];
      if (!l || l.indent <= parentIndent) break;
      const c = l.start + l.indent;
      if ('-?:,[]{}#&*!|>\'"%@`'.includes(this.text[c])) giveUp();
      let e = c;
      for (; e < l.end; e++) {
        const x = this.text.charCodeAt(e);
        if (x === 35 /* # */ && this.text.charCodeAt(e - 1) === 32) giveUp();
        if (x === 58 /* : */ && (e + 1 === l.end || this.text.charCodeAt(e + 1) === 32)) giveUp();
      }
      while (this.text.charCodeAt(e - 1) === 32) e--;
      value += (breaks === 0 ? ' ' : '\n'.repeat(breaks)) + this.text.slice(c, e);
      end = e;
      lastLine = j;
    }
    return { value, end, lastLine };
  }

  /** A single- or double-quoted scalar in block context, possibly folded over several lines. */
  private quotedLines(c: number, parentIndent: number): { node: Scalar; end: number; lastLine: number } {
    const q = this.text[c];
    let li = this.i;
    let line = this.lines[li];
    let k = c + 1;
    let value = '';
    let segStart = 0;
    for (;;) {
      if (k >= line.end) {
        value = value.slice(0, segStart) + value.slice(segStart).replace(/ +$/, '');
        li++;
        let breaks = 0;
        while (li < this.lines.length && this.lines[li].indent === this.lines[li].end - this.lines[li].start && this.lines[li].start < this.text.length) {
          breaks++;
          li++;
        }
        line = this.lines[li];
        if (!line || line.indent <= parentIndent) giveUp();
        value += breaks === 0 ? ' ' : '\n'.repeat(breaks);
        segStart = value.length;
        k = line.start + line.indent;
        continue;
      }
      const ch = this.text[k];
      if (q === '"' && ch === '\\') giveUp();
      if (ch === q) {
        if (q === "'" && this.text[k + 1] === "'") {
          value += "'";
          k += 2;
          continue;
        }
        break;
      }
      value += ch;
      k++;
    }
    const node = newScalar(value);
    node.type = q === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
    (node as Scalar & { source: string }).source = value;
    return { node, end: k + 1, lastLine: li };
  }

  /** A single-line flow collection starting at c. */
  private flow(c: number, lineEnd: number): { node: Node; end: number } {
    const open = this.text[c];
    const close = open === '{' ? '}' : ']';
    const coll = open === '{' ? newMap() : newSeq();
    coll.flow = true;
    let k = c + 1;
    const skip = () => {
      while (k < lineEnd && this.text.charCodeAt(k) === 32) k++;
      if (k >= lineEnd) giveUp();
    };
    skip();
    if (this.text[k] === close) {
      coll.range = [c, k + 1, k + 1];
      return { node: coll, end: k + 1 };
    }
    for (;;) {
      skip();
      const item = this.flowScalarOrCollection(k, lineEnd);
      k = item.end;
      skip();
      // The yaml package counts the spaces before a separator into a flow value's extent (not a key's).
      if (open === '[') item.node.range![2] = k;
      if (open === '{') {
        if (this.text[k] !== ':' || !isScalar(item.node)) giveUp();
        k++;
        if (this.text[k] !== ' ') giveUp();
        skip();
        const value = this.flowScalarOrCollection(k, lineEnd);
        k = value.end;
        (coll as YAMLMap).items.push(newPair(item.node, value.node));
        skip();
        value.node.range![2] = k;
      } else {
        (coll as YAMLSeq).items.push(item.node);
      }
      const ch = this.text[k];
      if (ch === ',') {
        k++;
        skip();
        if (this.text[k] === close) giveUp();
        continue;
      }
      if (ch === close) break;
      giveUp();
    }
    coll.range = [c, k + 1, k + 1];
    return { node: coll, end: k + 1 };
  }

  private flowScalarOrCollection(k: number, lineEnd: number): { node: Node; end: number } {
    const ch = this.text[k];
    if (ch === '{' || ch === '[') return this.flow(k, lineEnd);
    if (ch === '"' || ch === "'") {
      // Inside a flow collection a quoted scalar must close on its line (no parent indent admits more).
      const r = this.quotedLines(k, Infinity);
      r.node.range = [k, r.end, r.end];
      return r;
    }
    if ('&*!?@`%,]}#|>:-'.includes(ch)) giveUp();
    let e = k;
    for (; e < lineEnd; e++) {
      const x = this.text[e];
      if (x === ',' || x === '[' || x === ']' || x === '{' || x === '}' || x === '#' || x === '"' || x === "'") break;
      if (x === ':') {
        const n = this.text[e + 1];
        if (n === ' ' || n === ',' || n === '}' || n === ']') break;
        giveUp();
      }
    }
    const endRaw = e;
    while (this.text.charCodeAt(e - 1) === 32) e--;
    if (this.text[endRaw] === '#' || e === k) giveUp();
    const s = this.resolvePlain(this.text.slice(k, e), false);
    s.range = [k, e, e];
    return { node: s, end: e };
  }

  /** `|`, `|-`, `>`, `>-` with content more indented than the parent. */
  private blockScalar(c: number, parentIndent: number): Scalar {
    const line = this.lines[this.i];
    const style = this.text[c];
    let k = c + 1;
    let chomp: 'clip' | 'strip' = 'clip';
    if (this.text[k] === '-') {
      chomp = 'strip';
      k++;
    } else if (this.text[k] === '+' || /[0-9]/.test(this.text[k] ?? '')) giveUp();
    while (k < line.end && this.text.charCodeAt(k) === 32) k++;
    if (k < line.end && !(this.text[k] === '#' && this.text.charCodeAt(k - 1) === 32)) giveUp();
    this.i++;
    const parts: string[] = [];
    let contentIndent = -1;
    let lastContent = -1;
    let j = this.i;
    for (; j < this.lines.length; j++) {
      const l = this.lines[j];
      const blank = l.indent === l.end - l.start;
      if (blank) {
        if (contentIndent < 0 ? l.indent > parentIndent + 1 : l.indent > contentIndent) giveUp();
        continue;
      }
      if (l.indent <= parentIndent) break;
      if (contentIndent < 0) contentIndent = l.indent;
      if (l.indent < contentIndent) giveUp();
      if (style === '>' && l.indent > contentIndent) giveUp();
      for (let b = lastContent < 0 ? this.i : lastContent + 1; b < j; b++) parts.push('');
      parts.push(this.text.slice(l.start + contentIndent, l.end));
      lastContent = j;
    }
    if (lastContent < 0) giveUp();
    let value: string;
    if (style === '|') value = parts.join('\n');
    else {
      if (parts.includes('')) giveUp();
      value = parts.join(' ');
    }
    if (chomp === 'clip') value += '\n';
    const end = this.lines[lastContent].next;
    if (this.lines[lastContent].end === this.text.length) giveUp();
    this.i = lastContent + 1;
    const node = newScalar(value);
    node.type = style === '|' ? 'BLOCK_LITERAL' : 'BLOCK_FOLDED';
    (node as Scalar & { source: string }).source = value;
    node.range = [c, end, end];
    return node;
  }

  private resolvePlain(src: string, atKey: boolean): Scalar {
    const s = schema();
    const tag = s.tags.find((t) => (t.default === true || (atKey && t.default === 'key')) && t.test?.test(src));
    let node: Scalar;
    if (!tag) node = newScalar(src);
    else {
      let failed = false;
      const res = (tag as { resolve: (v: string, onError: (m: string) => void, o: unknown) => unknown }).resolve(src, () => (failed = true), OPTIONS);
      if (failed) giveUp();
      node = isScalar(res) ? (res as Scalar) : newScalar(res);
      if (tag.format) node.format = tag.format;
    }
    node.type = 'PLAIN';
    (node as Scalar & { source: string }).source = src;
    return node;
  }
}
