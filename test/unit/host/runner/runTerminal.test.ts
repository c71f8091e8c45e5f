import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunTerminal, toTerminalText, type TerminalJob } from '../../../../extension/host/runner/runTerminal';

/** A job whose end the test decides; records cancels. */
function job() {
  let finish!: (code: number) => void;
  const j = { cancels: 0, done: new Promise<number>((r) => (finish = r)), cancel: () => void j.cancels++, finish: (c: number) => finish(c) };
  return j;
}

function watch(t: RunTerminal) {
  const seen = { text: '', closed: [] as (number | void)[] };
  t.onDidWrite((s) => (seen.text += s));
  t.onDidClose((c) => seen.closed.push(c));
  return seen;
}

const tick = () => new Promise((r) => setImmediate(r));

test('terminal text: LF and CRLF become CRLF', () => {
  assert.equal(toTerminalText('a\nb\r\nc'), 'a\r\nb\r\nc');
});

test('output is shown; the job’s exit code closes the terminal once', async () => {
  const j = job();
  const t = new RunTerminal((write) => {
    write('line 1\nline 2\n');
    return j;
  });
  const seen = watch(t);
  t.open();
  await tick();
  j.finish(3);
  await tick();
  assert.equal(seen.text, 'line 1\r\nline 2\r\n');
  assert.deepEqual(seen.closed, [3]);
});

test('closing the terminal (or terminating the task) cancels the run; so does Ctrl+C', async () => {
  const j = job();
  const t = new RunTerminal(() => j);
  watch(t);
  t.open();
  await tick();
  t.close();
  t.close();
  assert.equal(j.cancels, 1, 'cancelled once');

  const k = job();
  const u = new RunTerminal(() => k);
  const seen = watch(u);
  u.open();
  await tick();
  u.handleInput('x');
  assert.equal(k.cancels, 0, 'other keys do nothing');
  u.handleInput('\x03');
  assert.equal(k.cancels, 1);
  assert.match(seen.text, /\^C/);
});

test('closed while the run is still being prepared: it is cancelled as soon as it exists', async () => {
  const j = job();
  let ready!: (x: TerminalJob) => void;
  const t = new RunTerminal(() => new Promise<TerminalJob>((r) => (ready = r)));
  watch(t);
  t.open();
  t.close();
  ready(j);
  await tick();
  assert.equal(j.cancels, 1);
});

test('a refusal before the start is written and ends the task with 1', async () => {
  const t = new RunTerminal(() => {
    throw new Error('No MLflow tracking store is open');
  });
  const seen = watch(t);
  t.open();
  await tick();
  assert.match(seen.text, /No MLflow tracking store is open\r\n/);
  assert.deepEqual(seen.closed, [1]);
});
