import assert from 'node:assert/strict';
import { test } from 'node:test';
import { experimentTooltip, modelVersionTooltip, neutralizeText, registeredModelTooltip, runTooltip } from '../../../extension/core/model/display';
import type { Experiment, ModelVersion, RegisteredModel, Run } from '../../../extension/core/model/entities';

/** Every character that must never reach a terminal or a label raw. */
const HOSTILE: string[] = [];
for (let c = 0; c <= 0x1f; c++) HOSTILE.push(String.fromCharCode(c));
for (let c = 0x7f; c <= 0x9f; c++) HOSTILE.push(String.fromCharCode(c));
HOSTILE.push('\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069');

test('each control and bidi character becomes a visible escape', () => {
  for (const c of HOSTILE) {
    const out = neutralizeText(`a${c}b`);
    assert.ok(!out.includes(c), `U+${c.charCodeAt(0).toString(16)} kept`);
    assert.match(out, /^a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt])b$/, `U+${c.charCodeAt(0).toString(16)} → ${JSON.stringify(out)}`);
  }
  assert.equal(neutralizeText('\x1b[2J\x07\x7f\x9b'), '\\x1b[2J\\x07\\x7f\\x9b');
  assert.equal(neutralizeText('evil\u202egnp.exe'), 'evil\\u202egnp.exe');
  assert.equal(neutralizeText('\u2066x\u2069'), '\\u2066x\\u2069');
  assert.equal(neutralizeText('a\r\nb\tc'), 'a\\r\\nb\\tc');
});

test('an OSC 8 hyperlink and a title-setting sequence are shown, not run', () => {
  const osc8 = '\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\';
  assert.equal(neutralizeText(osc8), '\\x1b]8;;https://evil.example/\\x1b\\click me\\x1b]8;;\\x1b\\');
  assert.equal(neutralizeText('\x1b]0;pwned\x07'), '\\x1b]0;pwned\\x07');
});

test('ordinary text is untouched: accents, CJK, emoji, RTL letters, backslashes', () => {
  for (const s of ['résumé', '学習率', '🚀 run', 'שלום עולם', 'C:\\Users\\me\\mlruns', 'a  b', '']) assert.equal(neutralizeText(s), s);
});

test('keepNewlines keeps LF only; CR, tabs and the rest are still escaped', () => {
  assert.equal(neutralizeText('line 1\nline 2\r\x1b', { keepNewlines: true }), 'line 1\nline 2\\r\\x1b');
  assert.equal(neutralizeText('a\u2028b', { keepNewlines: true }), 'a\\u2028b');
});

const run: Run = {
  info: { runId: 'abc123', experimentId: '1', runName: 'see https://evil.example \u202eexe.txt', status: 'FINISHED', startTime: 0, endTime: 1, lifecycleStage: 'active', artifactUri: '', userId: 'mallory@evil.example' },
  data: { params: { url: 'www.evil.example', esc: '\x1b[31mred' }, metrics: { rmse: { key: 'rmse', value: 0.5, timestamp: 0, step: 0 } }, tags: {} },
};

test('tooltips are plain strings with every store string neutralized', () => {
  const tip = runTooltip(run);
  assert.equal(typeof tip, 'string');
  assert.ok(!/[\x1b\u202e]/.test(tip), tip);
  assert.match(tip, /see https:\/\/evil\.example \\u202eexe\.txt — FINISHED/);
  assert.match(tip, /by mallory@evil\.example/);
  assert.match(tip, /Metrics\n {2}rmse = 0\.5/);
  assert.match(tip, /esc = \\x1b\[31mred/);

  const exp = { experimentId: '7', name: 'e\x1b]0;t\x07', artifactLocation: 'file:///tmp/a', lifecycleStage: 'active', tags: { 'mlflow.note.content': 'first line\nsecond\u202e' } } as Experiment;
  assert.equal(experimentTooltip(exp).split('\n')[0], 'e\\x1b]0;t\\x07');
  assert.match(experimentTooltip(exp), /first line\nsecond\\u202e$/);

  const model = { name: 'm\u202e', description: 'see http://x.example', lastUpdatedTimestamp: 0 } as RegisteredModel;
  assert.equal(registeredModelTooltip(model).split('\n')[0], 'm\\u202e');
  const version = { name: 'm', version: '2', currentStage: 'None', status: 'READY', source: 'runs:/\x1b[2J/model', runId: 'r1', description: null } as ModelVersion;
  assert.equal(modelVersionTooltip(version), 'm v2\nStage: None · Status: READY\nSource: runs:/\\x1b[2J/model\nRun: r1');
});
