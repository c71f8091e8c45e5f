import { FilterError } from './errors';
import { isQuoted, stripKeyQuotes, tokenize, type Token } from './lexer';
import { entityNames, type Comparator, type Dialect, type EntityType } from './dialects';

/**
 * MLflow's search filter: clauses joined by AND, each `identifier comparator value`,
 * `identifier [NOT] IN (list)` or `identifier IS [NOT] NULL`. Parsing follows what MLflow's
 * SearchUtils accepts, checked against the real library by test/unit/filter/*conformance*.
 * Every clause is validated eagerly against the search's dialect (MLflow's file store only checks
 * comparators while matching runs, so it lets some bad filters through on empty experiments; its
 * SQL store and server check up front, as we do).
 */

export interface Span {
  offset: number;
  length: number;
}

export interface Clause {
  type: EntityType;
  /** The key as written (quotes removed), before alias translation. */
  key: string;
  comparator: Comparator;
  /** number for numeric comparisons, string, string[] for IN lists, null for IS [NOT] NULL. */
  value: number | string | string[] | null;
  span: Span;
  keySpan: Span;
}

type RawValue =
  | { kind: 'string' | 'dquote' | 'number' | 'word' | 'backtick'; text: string; span: Span }
  | { kind: 'list'; items: string[]; text: string; span: Span };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE', 'ILIKE']);

function upper(t: Token | undefined): string {
  return t && t.kind === 'ident' && t.parts!.length === 1 ? t.text.toUpperCase() : '';
}

function spanOf(t: Token): Span {
  return { offset: t.offset, length: t.length };
}

function join(a: Span, b: Span): Span {
  return { offset: a.offset, length: b.offset + b.length - a.offset };
}

function fail(msg: string, input: string, span: Span): never {
  throw new FilterError(msg, input, span.offset, span.length);
}

/** Parses a filter for the given search. An empty or blank filter is no clauses. */
export function parseFilter(input: string, dialect: Dialect): Clause[] {
  if (!input || !input.trim()) return [];
  const toks = tokenize(input);
  const clauses: Clause[] = [];
  let i = 0;
  while (i < toks.length) {
    const t = toks[i];
    // MLflow skips AND wherever it appears, so stray, doubled or missing ANDs are all accepted.
    if (upper(t) === 'AND') {
      i++;
      continue;
    }
    if (t.kind === 'semicolon') {
      const rest = input.slice(t.offset + 1).trim();
      if (rest) fail(`Search filter contained multiple expressions ${JSON.stringify(input)}. Provide AND-ed expression list.`, input, spanOf(t));
      fail(`Invalid clause(s) in filter string: ';'`, input, spanOf(t));
    }
    const r = parseClause(toks, i, input);
    i = r.next;
    clauses.push(validate(r, input, dialect));
  }
  return clauses;
}

interface RawClause {
  ident: Token;
  comparator: Comparator;
  comparatorText: string;
  comparatorSpan: Span;
  value: RawValue | null;
  next: number;
}

function parseClause(toks: Token[], i: number, input: string): RawClause {
  const ident = toks[i];
  const word = upper(ident);
  if (word === 'OR') fail(`Invalid clause(s) in filter string: 'OR'. MLflow filters only support AND`, input, spanOf(ident));
  if (word === 'NOT') fail(`Invalid clause(s) in filter string: 'NOT'. Use != or NOT IN instead`, input, spanOf(ident));
  if (ident.kind === 'lparen') fail(`Invalid clause(s) in filter string: parentheses are not supported`, input, spanOf(ident));
  const isIdent = (ident.kind === 'ident' && !KEYWORDS.has(word)) || ident.kind === 'dquote' || ident.kind === 'backtick';
  if (!isIdent) fail(`Invalid clause(s) in filter string: '${ident.text}'. Expected a key such as metrics.rmse, params.lr, tags.x or an attribute`, input, spanOf(ident));

  const c = toks[i + 1];
  if (!c) fail(`Invalid clause(s) in filter string: '${ident.text}'. Expected a comparator after it`, input, spanOf(ident));
  if (c.spaceBefore === '' && c.text.startsWith('-') && ident.kind === 'ident') {
    let end = c.offset;
    while (end < input.length && /[\p{L}\p{N}_\-]/u.test(input[end])) end++;
    const whole = input.slice(ident.offset, end);
    fail(`Invalid comparison clause: the key in '${whole}' needs back-ticks (e.g. params.\`a-b\`)`, input, { offset: ident.offset, length: end - ident.offset });
  }
  const cw = upper(c);
  if (c.kind === 'op') {
    if (c.text === '<>' || c.text === '==') fail(`Invalid comparator '${c.text}'`, input, spanOf(c));
    return withValue(toks, i, ident, c.text as Comparator, c.text, spanOf(c), input);
  }
  if (cw === 'LIKE' || cw === 'ILIKE') return withValue(toks, i, ident, cw as Comparator, c.text, spanOf(c), input);
  if (cw === 'IN') return withList(toks, i + 2, ident, 'IN', c.text, spanOf(c), input);
  if (cw === 'NOT') {
    const n = toks[i + 2];
    if (upper(n) !== 'IN') fail(`Invalid clause(s) in filter string: expected IN after NOT`, input, n ? spanOf(n) : spanOf(c));
    return withList(toks, i + 3, ident, 'NOT IN', `${c.text} ${n.text}`, join(spanOf(c), spanOf(n)), input);
  }
  if (cw === 'IS') {
    const n = toks[i + 2];
    const nw = upper(n);
    if (nw === 'NULL') return { ident, comparator: 'IS NULL', comparatorText: 'IS NULL', comparatorSpan: join(spanOf(c), spanOf(n)), value: null, next: i + 3 };
    const m = toks[i + 3];
    if (nw === 'NOT' && upper(m) === 'NULL') {
      // sqlparse reads "NOT NULL" as one keyword and MLflow then compares it to the exact text.
      if (m.spaceBefore !== ' ') fail(`Invalid clause(s) in filter string: write IS NOT NULL with single spaces`, input, join(spanOf(n), spanOf(m)));
      return { ident, comparator: 'IS NOT NULL', comparatorText: 'IS NOT NULL', comparatorSpan: join(spanOf(c), spanOf(m)), value: null, next: i + 4 };
    }
    fail(`Invalid clause(s) in filter string: expected NULL or NOT NULL after IS`, input, n ? spanOf(n) : spanOf(c));
  }
  fail(`Invalid clause(s) in filter string: expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL) after '${ident.text}', found '${c.text}'`, input, spanOf(c));
}

function withValue(toks: Token[], i: number, ident: Token, comparator: Comparator, text: string, cspan: Span, input: string): RawClause {
  const v = toks[i + 2];
  if (!v) fail(`Invalid clause(s) in filter string: expected a value after '${text}'`, input, cspan);
  let value: RawValue;
  if (v.kind === 'string' || v.kind === 'dquote' || v.kind === 'number' || v.kind === 'backtick') value = { kind: v.kind, text: v.text, span: spanOf(v) };
  else if (v.kind === 'ident' && v.parts!.length === 1 && !KEYWORDS.has(upper(v))) value = { kind: 'word', text: v.text, span: spanOf(v) };
  else if (v.kind === 'lparen') fail(`A list of values needs IN or NOT IN, not '${text}'`, input, spanOf(v));
  else fail(`Invalid clause(s) in filter string: expected a value after '${text}', found '${v.text}'`, input, spanOf(v));
  return { ident, comparator, comparatorText: text, comparatorSpan: cspan, value, next: i + 3 };
}

/** Python string-literal escapes, as ast.literal_eval applies them to IN lists. */
function unescapeListItem(body: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
  return body.replace(/\\(.)/gs, (m, ch: string) => map[ch] ?? m);
}

function withList(toks: Token[], j: number, ident: Token, comparator: Comparator, text: string, cspan: Span, input: string): RawClause {
  const open = toks[j];
  if (!open || open.kind !== 'lparen') fail(`Invalid clause(s) in filter string: ${text} needs a parenthesised list such as ('a', 'b')`, input, open ? spanOf(open) : cspan);
  const items: string[] = [];
  let k = j + 1;
  for (;;) {
    const t = toks[k];
    if (!t) fail(`While parsing a list in the query, expected a closing ')'`, input, { offset: open.offset, length: input.length - open.offset });
    if (t.kind === 'rparen') break;
    if (t.kind !== 'string' && t.kind !== 'dquote') {
      fail(`While parsing a list in the query, expected string value, punctuation, or whitespace, but found '${t.text}'`, input, spanOf(t));
    }
    const body = t.text.slice(1, -1);
    const q = t.text[0];
    if (body.includes(q + q)) fail(`While parsing a list in the query, a doubled quote is not supported; escape it with a backslash`, input, spanOf(t));
    items.push(unescapeListItem(body));
    const sep = toks[k + 1];
    if (sep && sep.kind === 'comma') k += 2;
    else if (sep && sep.kind === 'rparen') k += 1;
    else fail(`While parsing a list in the query, expected ',' or ')'`, input, sep ? spanOf(sep) : spanOf(t));
  }
  const close = toks[k];
  const span = join(spanOf(open), spanOf(close));
  if (items.length === 0) fail(`While parsing a list in the query, expected a non-empty list of string values, but got empty list`, input, span);
  return { ident, comparator, comparatorText: text, comparatorSpan: cspan, value: { kind: 'list', items, text: input.slice(span.offset, span.offset + span.length), span }, next: k + 1 };
}

interface Identifier {
  type: EntityType;
  key: string;
  keySpan: Span;
}

/**
 * Splits an identifier as MLflow does: on the first dot, the left part naming the entity type.
 * `quoteMode` 'filter' strips one pair of quotes around the whole key; 'order' removes quotes in
 * every part (MLflow runs order_by through shlex).
 */
export function resolveIdentifier(tok: Token, input: string, dialect: Dialect, attributes: ReadonlySet<string>, quoteMode: 'filter' | 'order'): Identifier {
  const parts = tok.parts ?? [{ raw: tok.text, offset: tok.offset }];
  let type: EntityType = 'attribute';
  let rawKeyParts = parts;
  if (parts.length > 1) {
    const head = parts[0];
    let name = quoteMode === 'order' ? stripAll(head.raw) : head.raw;
    if (dialect.trimEntityBackticks && isQuoted(name, '`')) name = name.slice(1, -1);
    const t = Object.prototype.hasOwnProperty.call(dialect.entities, name) ? dialect.entities[name] : undefined;
    if (!t) fail(`Invalid entity type '${name}'. Valid values are ${entityNames(dialect)}`, input, { offset: head.offset, length: head.raw.length });
    type = t;
    rawKeyParts = parts.slice(1);
  }
  const first = rawKeyParts[0];
  const keySpan = { offset: first.offset, length: tok.offset + tok.length - first.offset };
  const rawKey = input.slice(keySpan.offset, keySpan.offset + keySpan.length);
  const key = quoteMode === 'order' ? rawKeyParts.map((p) => stripAll(p.raw)).join('.') : stripKeyQuotes(rawKey);
  if (type === 'attribute') {
    const checked = dialect.attributeKeyCheckedRaw && quoteMode === 'filter' ? rawKey : key;
    if (!attributes.has(checked)) fail(`Invalid attribute key '${checked}' specified. Valid keys are ${[...attributes].join(', ')}`, input, keySpan);
  } else if (type === 'dataset' && !['name', 'digest', 'context'].includes(key)) {
    fail(`Invalid dataset key '${key}' specified. Valid keys are name, digest, context`, input, keySpan);
  }
  return { type, key, keySpan };
}

function stripAll(raw: string): string {
  return isQuoted(raw, '`') || isQuoted(raw, '"') || isQuoted(raw, "'") ? raw.slice(1, -1) : raw;
}

const ENTITY_LABEL: Record<EntityType, string> = { metric: 'metrics', parameter: 'params', tag: 'tags', attribute: 'attributes', dataset: 'datasets', metadata: 'metadata' };

function validate(r: RawClause, input: string, d: Dialect): Clause {
  const id = resolveIdentifier(r.ident, input, d, d.filterAttributes, 'filter');
  const span = join(spanOf(r.ident), r.value ? r.value.span : r.comparatorSpan);
  const aliased = d.alias(id.key);
  const numericAttr = id.type === 'attribute' && d.numericAttributes.has(aliased);
  const allowed =
    id.type === 'attribute' ? (numericAttr ? d.comparators.numericAttribute : d.comparators.stringAttribute) : d.comparators[id.type];
  const what = id.type === 'attribute' ? `${numericAttr ? 'numeric' : 'string'} attribute '${id.key}'` : ENTITY_LABEL[id.type];
  if (allowed.size === 0) fail(`${ENTITY_LABEL[id.type]} cannot be used in a ${d.kind} search filter`, input, spanOf(r.ident));
  if (r.comparator === 'IS NULL' || r.comparator === 'IS NOT NULL') {
    if (!allowed.has(r.comparator)) fail(`IS NULL / IS NOT NULL is not supported for ${what}${d.kind === 'runs' ? '; only tags and params' : d.kind === 'experiments' ? '; only tags' : ''}`, input, r.comparatorSpan);
    return { type: id.type, key: id.key, comparator: r.comparator, value: null, span, keySpan: id.keySpan };
  }
  if (!allowed.has(r.comparator)) fail(`Invalid comparator '${r.comparatorText}' for ${what}: not one of ${[...allowed].join(', ')}`, input, r.comparatorSpan);
  const v = r.value!;
  const value = checkValue(id, numericAttr, v, input, d);
  return { type: id.type, key: id.key, comparator: r.comparator, value, span, keySpan: id.keySpan };
}

function checkValue(id: Identifier, numericAttr: boolean, v: RawValue, input: string, d: Dialect): number | string | string[] {
  const quoted = v.kind === 'string' || v.kind === 'dquote';
  if (v.kind === 'list') {
    if (id.type === 'attribute' || id.type === 'dataset') {
      if (id.type === 'attribute' && !d.listKeys.has(id.key)) fail(`Only ${[...d.listKeys].join(', ')} support comparison with a list of quoted string values`, input, v.span);
      return v.items;
    }
    fail(`Expected a quoted string value for ${id.type} (e.g. 'my-value'). Got value ${v.text}`, input, v.span);
  }
  if (id.type === 'metric') {
    if (v.kind !== 'number') fail(`Expected numeric value type for metric. Found ${v.text}`, input, v.span);
    return Number(v.text);
  }
  if (numericAttr) {
    if (v.kind === 'number') return Number(v.text);
    if (quoted && d.numericAttributeAcceptsString) {
      const body = v.text.slice(1, -1);
      // MLflow applies int() to the quoted text: only an optionally signed integer gets through.
      if (!/^\s*[-+]?\d+\s*$/.test(body)) fail(`Expected an integer for ${id.key}. Found ${v.text}`, input, v.span);
      return Number(body);
    }
    fail(`Expected numeric value type for numeric attribute: ${id.key}. Found ${v.text}`, input, v.span);
  }
  if (v.kind === 'number') {
    if (d.numbersOnlyOnNumericAttributes && id.type === 'attribute') fail(`Only ${[...d.numericAttributes].join(', ')} support comparison with numeric values`, input, v.span);
    fail(`Expected a quoted string value for ${id.type === 'attribute' ? 'attributes' : id.type} (e.g. 'my-value'). Got value ${v.text}`, input, v.span);
  }
  if (!quoted) fail(`Value ${v.text} is not quoted: use single or double quotes for string values`, input, v.span);
  return v.text.slice(1, -1);
}
