import { FilterError } from './errors';
import { tokenize } from './lexer';
import { resolveIdentifier, type Span } from './parser';
import type { Dialect, EntityType } from './dialects';

/** One order_by entry: `<identifier> [ASC|DESC]`, ascending by default. */
export interface OrderKey {
  type: EntityType;
  /** Key as written, quotes removed (before alias translation). */
  key: string;
  ascending: boolean;
  keySpan: Span;
}

function fail(msg: string, input: string, offset: number, length: number): never {
  throw new FilterError(msg, input, offset, length);
}

export function parseOrderBy(input: string, dialect: Dialect): OrderKey {
  const couldNot = `Invalid order_by clause '${input}'. Could not be parsed.`;
  if (!input.trim()) fail(`${couldNot} It is empty`, input, 0, input.length);
  // MLflow's parser turns surrounding blanks into extra tokens and rejects the entry.
  const lead = /^\s*/.exec(input)![0].length;
  if (lead > 0) fail(`${couldNot} Remove the leading whitespace`, input, 0, lead);
  const trail = input.length - input.trimEnd().length;
  if (trail > 0) fail(`${couldNot} Remove the trailing whitespace`, input, input.length - trail, trail);
  const toks = tokenize(input);
  const [id, dir, extra] = toks;
  if (!(id.kind === 'ident' || id.kind === 'dquote' || id.kind === 'backtick')) fail(couldNot, input, id.offset, id.length);
  if (extra) fail(couldNot, input, extra.offset, input.length - extra.offset);
  let ascending = true;
  if (dir) {
    const w = dir.kind === 'ident' && dir.parts!.length === 1 ? dir.text.toLowerCase() : '';
    if (dir.kind !== 'ident') fail(couldNot, input, dir.offset, dir.length);
    if (dir.spaceBefore === '' && dir.text.startsWith('-')) fail(couldNot, input, dir.offset, dir.length);
    if (w !== 'asc' && w !== 'desc') fail(`Invalid ordering key in order_by clause '${input}': expected ASC or DESC, found '${dir.text}'`, input, dir.offset, dir.length);
    ascending = w === 'asc';
  }
  const ident = resolveIdentifier(id, input, dialect, dialect.orderAttributes, 'order');
  if (!dialect.orderEntities.has(ident.type)) {
    fail(`Invalid order_by entity type '${ident.type}': ${dialect.kind} can only be ordered by ${[...dialect.orderEntities].join(', ')}`, input, id.offset, id.length);
  }
  return { type: ident.type, key: ident.key, ascending, keySpan: ident.keySpan };
}

export function parseOrderByList(entries: readonly string[] | undefined, dialect: Dialect): OrderKey[] {
  return (entries ?? []).map((e) => parseOrderBy(e, dialect));
}
