import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { fastParseYaml } from '../../../extension/core/lang/fastYaml';
import { corpusFiles } from './helpers';
import { mulberry32, mutate } from './mutate';

/**
 * The fast YAML path must build exactly what the `yaml` package builds (node kinds, values, styles,
 * tags, formats, ranges) whenever it accepts a text; otherwise it must decline. Checked on every
 * corpus file and 20,000 mutations of them.
 */
function shape(n: unknown): unknown {
  if (n === null || n === undefined) return null;
  if (isMap(n)) return { map: n.items.map((p) => (isPair(p) ? [shape(p.key), shape(p.value)] : 'not a pair')), flow: !!n.flow, range: n.range, tag: n.tag };
  if (isSeq(n)) return { seq: n.items.map(shape), flow: !!n.flow, range: n.range, tag: n.tag };
  if (isScalar(n)) {
    const v = n.value;
    const value = v instanceof Date ? `date:${v.toISOString()}` : typeof v === 'number' && !Number.isFinite(v) ? `num:${v}` : typeof v === 'bigint' ? `big:${v}` : v;
    return { value, type: n.type, source: (n as { source?: unknown }).source, tag: n.tag, format: n.format, range: n.range };
  }
  return { other: String(n) };
}

function full(text: string) {
  return parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: false, keepSourceTokens: false, strict: false });
}

function check(text: string, where: string): boolean {
  const fast = fastParseYaml(text);
  if (!fast) return false;
  const doc = full(text);
  assert.equal(doc.errors.length, 0, `${where}: fast path accepted a text the full parser rejects: ${doc.errors[0]?.message}\n${text}`);
  assert.deepEqual(shape(fast.contents), shape(doc.contents), `${where}: trees differ for\n${text}`);
  return true;
}

test('the fast path accepts real MLproject/MLmodel files and builds the same tree as the yaml package', () => {
  const files = corpusFiles();
  let accepted = 0;
  for (const f of files) if (check(readFileSync(f, 'utf8'), f)) accepted++;
  // The fast path is only worth having if it covers the files people write.
  assert.ok(accepted >= files.length * 0.8, `fast path took ${accepted} of ${files.length} corpus files`);
});

test('hand-written edge cases: same tree or declined', () => {
  const cases = [
    'a: x  # c\n# before\nb:\n  c: 1\n\n  d: [1, "x", {y: 2}]\n',
    'a:   # c\nb:\n\nc: x\n\n\nd: "q"  \ne:\n  - 1\n  -   two  # c\n  - k: v\n    k2: [a, {x: 1}]\nf: |-\n  t\n\n  u\n\n',
    'list:\n- a\n- b: 1\n  c: 2\nempty:\nlast: 0x1F\n',
    "q: 'it''s'\nn: ~\nb: yes\nf: 1e-3\nd: 2024-01-01\nt: 1:20\no: 0777\ninf: .inf\n",
    'cmd: >\n  python a.py\n  --x {x}\nnext: 1\n',
    'k: v', 'k:', 'k: |\n  a', 'k: "a\n  b"\n', 'k: a\n  b\n', 'k: {a: 1,\n  b: 2}\n', 'a: 1\n b: 2\n', 'a: &x 1\nb: *x\n',
    'a: [a, ]\n', 'a: {a}\n', 'a: x: y\n', '- a\n- b\n', 'a: "\\t"\n', 'x: 1 #c\n', 'x: a#b\n', 'x: [a#b]\n', 'x:\n  # only a comment\ny: 2\n',
    'x: |\n\n  a\n', 'x: |\n    a\n  b\n', 'x:  \n  - a\n  - b\n', 'e: {}\nf: []\n', 'u: http://x:80/p\n', 'k: -1\nj: -x\n', '"q": 1\n',
  ];
  for (const c of cases) check(c, JSON.stringify(c));
});

test('20,000 mutations of corpus files: whenever the fast path accepts, it agrees with the yaml package', () => {
  const texts = corpusFiles().map((f) => readFileSync(f, 'utf8'));
  const rnd = mulberry32(Number(process.env.SEED ?? 0xfa57));
  let accepted = 0;
  let n = 0;
  for (let round = 0; n < Number(process.env.N ?? 20000); round++) {
    const original = texts[round % texts.length];
    let text = original;
    for (let k = 0; k < 10 && n < Number(process.env.N ?? 20000); k++, n++) {
      text = mutate(rnd() < 0.3 ? original : text, rnd);
      if (check(text, `mutation ${n}`)) accepted++;
    }
  }
  assert.ok(accepted > 1000, `the fast path took only ${accepted} mutants: the comparison proves little`);
});
