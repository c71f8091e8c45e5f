import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DoubleClick, PreviewPanels } from '../../../extension/host/previewPanels';

test('clicks reuse the one preview panel; pinned panels stay', () => {
  const p = new PreviewPanels<string>();
  assert.deepEqual(p.place('run-a'), { kind: 'create', pinned: false });
  p.add('P1', 'run-a', false);
  assert.deepEqual(p.place('run-b'), { kind: 'retarget', panel: 'P1' }, 'a click replaces the preview');
  assert.equal(p.runOf('P1'), 'run-b');
  assert.deepEqual(p.place('run-b'), { kind: 'reveal', panel: 'P1' });
  p.pin('P1');
  assert.deepEqual(p.place('run-c'), { kind: 'create', pinned: false }, 'after Keep Open the next click opens a new preview');
  p.add('P2', 'run-c', false);
  assert.deepEqual(p.place('run-b'), { kind: 'reveal', panel: 'P1' }, 'a run already in a pinned panel is revealed there');
  assert.deepEqual(p.place('run-d', true), { kind: 'retarget', panel: 'P2' }, 'a double-click takes the preview and pins it');
  assert.ok(p.isPinned('P2'));
  assert.deepEqual(p.place('run-e', true), { kind: 'create', pinned: true });
  p.remove('P1');
  assert.deepEqual(p.place('run-b'), { kind: 'create', pinned: false }, 'a closed panel is forgotten');
});

test('a double-click on a run shown in the preview pins it in place', () => {
  const p = new PreviewPanels<string>();
  p.add('P1', 'run-a', false);
  assert.deepEqual(p.place('run-a', true), { kind: 'reveal', panel: 'P1' });
  assert.ok(p.isPinned('P1'));
  assert.equal(p.preview(), undefined);
});

test('restored panels: only one stays the preview', () => {
  const p = new PreviewPanels<string>();
  p.add('P1', 'a', false);
  p.add('P2', 'b', false);
  assert.equal(p.preview(), 'P1');
  assert.ok(p.isPinned('P2'));
});

test('a link inside a panel moves that panel to the run', () => {
  const p = new PreviewPanels<string>();
  p.add('P1', 'child', true);
  p.navigate('P1', 'parent');
  assert.deepEqual(p.place('parent'), { kind: 'reveal', panel: 'P1' });
});

test('double-click: the same key twice within the window, once', () => {
  let t = 0;
  const d = new DoubleClick(500, () => t);
  assert.equal(d.hit('a'), false);
  t = 300;
  assert.equal(d.hit('a'), true);
  t = 400;
  assert.equal(d.hit('a'), false, 'a third click starts over');
  t = 1500;
  assert.equal(d.hit('a'), false, 'too slow');
  t = 1600;
  assert.equal(d.hit('b'), false, 'another run');
  t = 1700;
  assert.equal(d.hit('a'), false);
});
