import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { runPythonJson } from '../../support/python';
import { normalisedTree, normaliser } from '../../support/storeTrees';

/**
 * The same operations done by MLflow's own FileStore (through MlflowClient) and by ours, on two
 * stores whose roots have the same length; the stores must then be byte-identical once ids and
 * clock readings are replaced by placeholders. Then each side's store is read back by Python.
 */

const METRIC_VALUES = [0.1, 1e-5, 1e16, 3.0, NaN, Infinity, -Infinity, -0.0, 1 / 3, 123456789.125, 5e-324, 1e-4, 2.5e-7, 100];
const PY_VALUES = "[0.1, 1e-05, 1e16, 3.0, float('nan'), float('inf'), float('-inf'), -0.0, 1/3, 123456789.125, 5e-324, 1e-4, 2.5e-7, 100]";
const TRICKY = ['plain', 'yes', '0123', 'say "hi"', "it's", 'multi\nline\ntext', 'ünïcödé 日本', ' padded ', '', '2024-01-01', 'a: b', '#hash', 'x'.repeat(120) + ' tail words here'];

const PY_SCENARIO = `
import json, os, sys
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
root = sys.argv[1] if len(sys.argv) > 1 else os.environ['STORE']
c = MlflowClient(tracking_uri='file://' + root, registry_uri='file://' + root)
ids = []
T = json.loads(os.environ['TRICKY'])
vals = ${PY_VALUES}
a = c.create_experiment('exp A "quoted" ü', tags={'note': T[5], 'yes': 'no', 'nested/key': T[3]}); ids.append(a)
c.rename_experiment(a, 'renamed: yes')
b = c.create_experiment('2024-01-01'); ids.append(b)
cc = c.create_experiment('to restore'); ids.append(cc)
c.set_experiment_tag(cc, 'k', 'v'); c.set_experiment_tag(cc, 'gone', 'x'); c.delete_experiment_tag(cc, 'gone')
rb = c.create_run(b, run_name='in deleted exp', start_time=1700000000000); ids.append(rb.info.run_id)
rc = c.create_run(cc, run_name='in restored exp', start_time=1700000000000); ids.append(rc.info.run_id)
rc2 = c.create_run(cc, run_name='deleted before', start_time=1700000000000); ids.append(rc2.info.run_id)
c.delete_run(rc2.info.run_id)
c.delete_experiment(b)
c.delete_experiment(cc)
c.restore_experiment(cc)
r1 = c.create_run(a, run_name=T[1], start_time=1700000000000, tags={'t/' + str(i): v for i, v in enumerate(T)}); ids.append(r1.info.run_id)
c.log_batch(r1.info.run_id, metrics=[Metric('m', v, 1000 + i, i) for i, v in enumerate(vals)] + [Metric('nested/metric', 1.5, 5, -3)],
            params=[Param('p' + str(i), v) for i, v in enumerate(T)], tags=[RunTag('batch', 'tag')])
c.log_batch(r1.info.run_id, metrics=[Metric('m', 7.0, 2000, 99)], params=[Param('p0', T[0])])
c.set_terminated(r1.info.run_id, 'FINISHED', end_time=1700000005000)
r2 = c.create_run(a, run_name='deleted', start_time=1700000000000); ids.append(r2.info.run_id)
c.delete_run(r2.info.run_id)
r3 = c.create_run(a, run_name='restored', start_time=1700000000000); ids.append(r3.info.run_id)
c.delete_run(r3.info.run_id); c.restore_run(r3.info.run_id)
r4 = c.create_run(a, run_name='old name', start_time=1700000000000); ids.append(r4.info.run_id)
c.update_run(r4.info.run_id, name='new name: yes')
r5 = c.create_run(a, run_name='tag renamed', start_time=1700000000000); ids.append(r5.info.run_id)
c.log_batch(r5.info.run_id, tags=[RunTag('mlflow.runName', 'via tag')])
c.set_terminated(r5.info.run_id, 'FAILED', end_time=1700000009000)
r6 = c.create_run(a, run_name='tags', start_time=1700000000000, tags={'mlflow.user': 'alice', 'drop': 'me'}); ids.append(r6.info.run_id)
c.delete_tag(r6.info.run_id, 'drop')
c.update_run(r6.info.run_id, status='KILLED')

c.create_registered_model('model one', tags={'team': 'ml', 'multi': T[5]}, description='first: model')
for i in range(3):
    c.create_model_version('model one', 'runs:/%s/model' % r1.info.run_id, run_id=r1.info.run_id, tags={'i': str(i)}, run_link='http://x/%d' % i if i == 1 else None, description='v%d' % i if i else None)
c.transition_model_version_stage('model one', '2', 'staging')
c.transition_model_version_stage('model one', '3', 'Staging', archive_existing_versions=True)
c.transition_model_version_stage('model one', '1', 'Production')
c.set_registered_model_alias('model one', 'champ', '3')
c.set_registered_model_alias('model one', 'yes', '1')
c.set_registered_model_alias('model one', 'tmp', '2')
c.delete_registered_model_alias('model one', 'tmp')
c.update_model_version('model one', '1', 'updated: desc')
c.set_model_version_tag('model one', '1', 'k', T[6]); c.set_model_version_tag('model one', '1', 'gone', 'x'); c.delete_model_version_tag('model one', '1', 'gone')
c.set_registered_model_tag('model one', 'gone', 'x'); c.delete_registered_model_tag('model one', 'gone')
c.update_registered_model('model one', T[5])
c.create_registered_model('model two')
c.create_model_version('model two', 's3://bucket/path')
c.create_model_version('model two', 'models:/model one/1')
c.set_registered_model_alias('model two', 'a1', '1')
c.delete_model_version('model two', '1')
c.create_registered_model('doomed'); c.delete_registered_model('doomed')
c.create_registered_model('before rename', description='d', tags={'rt': 'kept'})
c.create_model_version('before rename', 'file:///x')
c.set_registered_model_alias('before rename', 'al', '1')
c.rename_registered_model('before rename', 'after rename ü')
print(json.dumps(ids))
`;

/** What Python's client sees in a store: the cross-reading check. */
const PY_READ = `
import json, math, os, sys
from mlflow import MlflowClient
from mlflow.entities import ViewType
def num(v):
    return repr(v) if isinstance(v, float) and (math.isnan(v) or math.isinf(v) or v == 0) else v
def read(root):
  os.environ['MLFLOW_TRACKING_URI'] = 'file://' + root
  c = MlflowClient(tracking_uri='file://' + root, registry_uri='file://' + root)
  out = {'experiments': [], 'models': []}
  for e in sorted(c.search_experiments(view_type=ViewType.ALL), key=lambda e: e.name):
      runs = c.search_runs([e.experiment_id], run_view_type=ViewType.ALL, order_by=['attributes.run_name ASC'])
      out['experiments'].append({'id': e.experiment_id, 'name': e.name, 'stage': e.lifecycle_stage, 'loc': e.artifact_location, 'tags': e.tags, 'runs': [
        {'info': {k: v for k, v in dict(r.info).items()}, 'params': r.data.params, 'tags': r.data.tags,
         'metrics': {k: num(v) for k, v in r.data.metrics.items()},
         'history': {k: [[m.timestamp, num(m.value), m.step] for m in c.get_metric_history(r.info.run_id, k)] for k in sorted(r.data.metrics)}}
        for r in runs]})
  for m in sorted(c.search_registered_models(), key=lambda m: m.name):
      versions = sorted(c.search_model_versions("name='%s'" % m.name), key=lambda v: int(v.version))
      out['models'].append({'name': m.name, 'description': m.description, 'tags': m.tags, 'aliases': m.aliases,
        'latest': sorted([str(v.version) + ':' + v.current_stage for v in m.latest_versions]),
        'by_alias': {a: c.get_model_version_by_alias(m.name, a).version for a in sorted(m.aliases)},
        'versions': [{k: v for k, v in dict(mv).items() if k not in ('metrics', 'params')} for mv in versions]})
  return out
print(json.dumps([read(r) for r in json.loads(os.environ['STORES'])], sort_keys=True, default=str))
`;

async function tsScenario(s: FileStore): Promise<string[]> {
  const ids: string[] = [];
  const T = TRICKY;
  const a = await s.createExperiment('exp A "quoted" ü', { tags: { note: T[5], yes: 'no', 'nested/key': T[3] } });
  ids.push(a);
  await s.renameExperiment(a, 'renamed: yes');
  const b = await s.createExperiment('2024-01-01');
  ids.push(b);
  const cc = await s.createExperiment('to restore');
  ids.push(cc);
  await s.setExperimentTag(cc, 'k', 'v');
  await s.setExperimentTag(cc, 'gone', 'x');
  await s.deleteExperimentTag(cc, 'gone');
  const run = async (experimentId: string, runName: string, tags?: Record<string, string>) => {
    const r = await s.createRun({ experimentId, runName, startTime: 1700000000000, tags });
    ids.push(r.info.runId);
    return r.info.runId;
  };
  await run(b, 'in deleted exp');
  await run(cc, 'in restored exp');
  const rc2 = await run(cc, 'deleted before');
  await s.deleteRun(rc2);
  await s.deleteExperiment(b);
  await s.deleteExperiment(cc);
  await s.restoreExperiment(cc);
  const r1 = await run(a, T[1], Object.fromEntries(T.map((v, i) => [`t/${i}`, v])));
  await s.logBatch(r1, {
    metrics: [...METRIC_VALUES.map((value, i) => ({ key: 'm', value, timestamp: 1000 + i, step: i })), { key: 'nested/metric', value: 1.5, timestamp: 5, step: -3 }],
    params: T.map((value, i) => ({ key: `p${i}`, value })),
    tags: [{ key: 'batch', value: 'tag' }],
  });
  await s.logBatch(r1, { metrics: [{ key: 'm', value: 7, timestamp: 2000, step: 99 }], params: [{ key: 'p0', value: T[0] }] });
  await s.updateRun(r1, { status: 'FINISHED', endTime: 1700000005000 });
  const r2 = await run(a, 'deleted');
  await s.deleteRun(r2);
  const r3 = await run(a, 'restored');
  await s.deleteRun(r3);
  await s.restoreRun(r3);
  const r4 = await run(a, 'old name');
  await s.updateRun(r4, { runName: 'new name: yes' });
  const r5 = await run(a, 'tag renamed');
  await s.logBatch(r5, { tags: [{ key: 'mlflow.runName', value: 'via tag' }] });
  await s.updateRun(r5, { status: 'FAILED', endTime: 1700000009000 });
  const r6 = await run(a, 'tags', { 'mlflow.user': 'alice', drop: 'me' });
  await s.deleteTag(r6, 'drop');
  await s.updateRun(r6, { status: 'KILLED' });

  await s.createRegisteredModel('model one', { tags: { team: 'ml', multi: T[5] }, description: 'first: model' });
  for (let i = 0; i < 3; i++) {
    await s.createModelVersion('model one', { source: `runs:/${r1}/model`, runId: r1, tags: { i: String(i) }, runLink: i === 1 ? 'http://x/1' : undefined, description: i ? `v${i}` : undefined });
  }
  await s.transitionModelVersionStage('model one', '2', 'staging' as 'Staging', false);
  await s.transitionModelVersionStage('model one', '3', 'Staging', true);
  await s.transitionModelVersionStage('model one', '1', 'Production', false);
  await s.setRegisteredModelAlias('model one', 'champ', '3');
  await s.setRegisteredModelAlias('model one', 'yes', '1');
  await s.setRegisteredModelAlias('model one', 'tmp', '2');
  await s.deleteRegisteredModelAlias('model one', 'tmp');
  await s.updateModelVersion('model one', '1', 'updated: desc');
  await s.setModelVersionTag('model one', '1', 'k', T[6]);
  await s.setModelVersionTag('model one', '1', 'gone', 'x');
  await s.deleteModelVersionTag('model one', '1', 'gone');
  await s.setRegisteredModelTag('model one', 'gone', 'x');
  await s.deleteRegisteredModelTag('model one', 'gone');
  await s.updateRegisteredModel('model one', T[5]);
  await s.createRegisteredModel('model two');
  await s.createModelVersion('model two', { source: 's3://bucket/path' });
  await s.createModelVersion('model two', { source: 'models:/model one/1' });
  await s.setRegisteredModelAlias('model two', 'a1', '1');
  await s.deleteModelVersion('model two', '1');
  await s.createRegisteredModel('doomed');
  await s.deleteRegisteredModel('doomed');
  await s.createRegisteredModel('before rename', { description: 'd', tags: { rt: 'kept' } });
  await s.createModelVersion('before rename', { source: 'file:///x' });
  await s.setRegisteredModelAlias('before rename', 'al', '1');
  await s.renameRegisteredModel('before rename', 'after rename ü');
  return ids;
}

let tmp: string;
let pyRoot: string;
let tsRoot: string;
let pyIds: string[];
let tsIds: string[];

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'mlwb-fsw-'));
  pyRoot = join(tmp, 'py', 'mlruns');
  tsRoot = join(tmp, 'ts', 'mlruns');
  mkdirSync(join(tmp, 'py'));
  mkdirSync(join(tmp, 'ts'));
  // MLflow's file registry opens a second client on the *global* tracking URI while reading versions;
  // without MLFLOW_TRACKING_URI it would create ./mlflow.db in the working folder.
  pyIds = runPythonJson<string[]>(PY_SCENARIO, { STORE: pyRoot, TRICKY: JSON.stringify(TRICKY), MLFLOW_TRACKING_URI: `file://${pyRoot}` }, tmp);
  tsIds = await tsScenario(new FileStore(tsRoot));
});

after(() => rmSync(tmp, { recursive: true, force: true }));

test('every file our writer leaves is byte-identical to what MLflow writes for the same calls', () => {
  const py = normalisedTree(pyRoot, normaliser(pyIds, [['/py/', '/XX/']]));
  const ts = normalisedTree(tsRoot, normaliser(tsIds, [['/ts/', '/XX/']]));
  // MLflow's rename loses the model's tags and alias files (its meta.yaml keeps a stale alias map); ours keeps them.
  const extraOurs = [...ts.keys()].filter((k) => !py.has(k));
  assert.deepEqual(extraOurs, ['models/after rename ü/aliases/', 'models/after rename ü/aliases/al', 'models/after rename ü/tags/', 'models/after rename ü/tags/rt'], 'files only our store has');
  assert.deepEqual([...py.keys()].filter((k) => !ts.has(k)), [], 'files only MLflow wrote');
  assert.ok(py.size > 100, `compared ${py.size} files and folders`);
  for (const [k, v] of py) assert.equal(ts.get(k), v, `content of ${k}`);
});

test('Python mlflow reads the store we wrote exactly as it reads its own', () => {
  // Both stores in one Python process: importing mlflow is the slow part.
  const [oursRaw, theirsRaw] = runPythonJson<unknown[]>(PY_READ, { STORES: JSON.stringify([tsRoot, pyRoot]) }, tmp);
  const norm = (json: unknown, ids: string[], dir: string) => JSON.parse(normaliser(ids, [[`/${dir}/`, '/XX/']], '0')(JSON.stringify(json))) as unknown;
  type ModelView = { name: string; aliases: object; by_alias: object; tags: object; versions: { aliases: string[] }[] };
  const ours = norm(oursRaw, tsIds, 'ts') as { models: ModelView[] };
  const theirs = norm(theirsRaw, pyIds, 'py') as { models: ModelView[] };
  // The one intended difference: after a rename our model still has its tags and aliases.
  const renamed = ours.models.find((m) => m.name === 'after rename ü')!;
  assert.deepEqual([renamed.aliases, renamed.tags, renamed.versions[0].aliases], [{ al: '1' }, { rt: 'kept' }, ['al']]);
  Object.assign(renamed, { aliases: {}, by_alias: {}, tags: {} });
  renamed.versions[0].aliases = [];
  assert.deepEqual(ours, theirs);
});

test('our reader sees the same in both stores', async () => {
  const view = async (root: string, ids: string[], dir: string) => {
    const s = new FileStore(root);
    const exps = await s.searchExperiments({ viewType: 'ALL' });
    const runs = await s.searchRuns({ experimentIds: exps.map((e) => e.experimentId), viewType: 'ALL' });
    // The renamed model differs on purpose (see the test above).
    const models = (await s.searchRegisteredModels()).filter((m) => m.name !== 'after rename ü');
    const versions = (await s.searchModelVersions()).filter((v) => v.name !== 'after rename ü');
    const sortBy = <T>(xs: T[], f: (x: T) => string) => xs.sort((x, y) => (f(x) < f(y) ? -1 : 1));
    const j = JSON.stringify({
      exps: sortBy(exps, (e) => e.name),
      runs: sortBy(runs, (r) => r.info.runName),
      models: sortBy(models, (m) => m.name),
      versions: sortBy(versions, (v) => `${v.name}/${v.version}`),
    });
    return JSON.parse(normaliser(ids, [[`/${dir}/`, '/XX/']], '0')(j)) as unknown;
  };
  assert.deepEqual(await view(tsRoot, tsIds, 'ts'), await view(pyRoot, pyIds, 'py'));
});
