/**
 * A small JSON parser that keeps offsets, for signature strings (MLflow reads them with Python's
 * json.loads, which also accepts NaN, Infinity and -Infinity).
 */
export type JsonNode =
  | { kind: 'object'; start: number; end: number; props: JsonProp[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'number'; start: number; end: number; value: number }
  | { kind: 'boolean'; start: number; end: number; value: boolean }
  | { kind: 'null'; start: number; end: number };
export interface JsonProp {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseJsonLocated(s: string): JsonNode {
  let i = 0;
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg, Math.min(i, s.length));
  };
  const value = (depth: number): JsonNode => {
    if (depth > 200) fail('nesting too deep');
    ws();
    const start = i;
    const c = s[i];
    if (c === '{') {
      i++;
      const props: JsonProp[] = [];
      ws();
      if (s[i] === '}') {
        i++;
        return { kind: 'object', start, end: i, props };
      }
      for (;;) {
        ws();
        if (s[i] !== '"') fail('expected a "quoted" property name');
        const keyStart = i;
        const key = str();
        const keyEnd = i;
        ws();
        if (s[i] !== ':') fail("expected ':'");
        i++;
        const v = value(depth + 1);
        props.push({ key, keyStart, keyEnd, value: v });
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === '}') {
          i++;
          return { kind: 'object', start, end: i, props };
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (s[i] === ']') {
        i++;
        return { kind: 'array', start, end: i, items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ']') {
          i++;
          return { kind: 'array', start, end: i, items };
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return { kind: 'string', start, value: str(), end: i };
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
      ['NaN', { kind: 'number', value: NaN }],
      ['Infinity', { kind: 'number', value: Infinity }],
      ['-Infinity', { kind: 'number', value: -Infinity }],
    ] as const) {
      if (s.startsWith(word, i)) {
        i += word.length;
        return { ...node, start, end: i } as JsonNode;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(s.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      return { kind: 'number', start, end: i, value: Number(m[0]) };
    }
    return fail(i >= s.length ? 'unexpected end of JSON' : `unexpected character '${s[i]}'`);
  };
  const str = (): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= s.length) fail('unterminated string');
      const c = s[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const n = s[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (n in simple) {
          out += simple[n];
          i += 2;
          continue;
        }
        if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        fail('invalid escape');
      }
      if (c.charCodeAt(0) < 0x20) fail('control character in string');
      out += c;
      i++;
    }
  };
  const root = value(0);
  ws();
  if (i < s.length) fail('extra data after JSON value');
  return root;
}

export function prop(node: JsonNode, key: string): JsonProp | undefined {
  if (node.kind !== 'object') return undefined;
  let found: JsonProp | undefined;
  for (const p of node.props) if (p.key === key) found = p;
  return found;
}
