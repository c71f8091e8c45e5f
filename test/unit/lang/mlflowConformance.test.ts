import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyzeMlmodel } from '../../../extension/core/lang/mlmodelAnalysis';
import { analyzeMlproject } from '../../../extension/core/lang/mlprojectAnalysis';
import { nodeFileProbe } from '../../../extension/core/lang/nodeFileProbe';
import { runPythonJson } from '../../support/python';

/**
 * Severity follows MLflow: for each sample, the real MLflow (the venv's 3.17) loads the project and
 * builds every entry point's command (or loads the MLmodel), and our analysis must report an error
 * exactly when MLflow fails.
 */
const root = mkdtempSync(join(tmpdir(), 'mlwb-conf-'));
after(() => rmSync(root, { recursive: true, force: true }));

const PY_ENV = 'python: "3.11"\nbuild_dependencies: [pip]\ndependencies: [mlflow]\n';
const projects: Record<string, { text: string; files?: Record<string, string> }> = {
  valid: { text: 'name: t\npython_env: python_env.yaml\nentry_points:\n  main:\n    parameters:\n      alpha: {type: float, default: 0.5}\n    command: "python train.py {alpha}"\n', files: { 'python_env.yaml': PY_ENV } },
  undeclared: { text: 'entry_points:\n  main:\n    command: "python train.py {alpha}"\n' },
  missingCommand: { text: 'entry_points:\n  main:\n    parameters:\n      a: string\n' },
  paramsList: { text: 'entry_points:\n  main:\n    parameters: [a, b]\n    command: "echo"\n' },
  paramsNull: { text: 'entry_points:\n  main:\n    parameters:\n    command: "echo"\n' },
  numericSpec: { text: 'entry_points:\n  main:\n    parameters:\n      alpha: 0.5\n    command: "echo {alpha}"\n' },
  nullSpec: { text: 'entry_points:\n  main:\n    parameters:\n      alpha:\n    command: "echo {alpha}"\n' },
  multipleEnvs: { text: 'conda_env: conda.yaml\npython_env: python_env.yaml\nentry_points:\n  main:\n    command: "echo"\n', files: { 'conda.yaml': 'dependencies: []\n', 'python_env.yaml': PY_ENV } },
  dockerNoImage: { text: 'name: d\ndocker_env:\n  volumes: ["/a:/b"]\nentry_points:\n  main:\n    command: "echo"\n' },
  dockerNoName: { text: 'docker_env:\n  image: python:3.11\nentry_points:\n  main:\n    command: "echo"\n' },
  dockerVolumes: { text: 'name: d\ndocker_env:\n  image: python:3.11\n  volumes: /a:/b\nentry_points:\n  main:\n    command: "echo"\n' },
  dockerOk: { text: 'name: d\ndocker_env:\n  image: python:3.11\n  environment: [["A", "1"], "HOME"]\nentry_points:\n  main:\n    command: "echo"\n' },
  condaMissing: { text: 'conda_env: conda.yaml\nentry_points:\n  main:\n    command: "echo"\n' },
  pythonEnvBadKey: { text: 'python_env: python_env.yaml\nentry_points:\n  main:\n    command: "echo"\n', files: { 'python_env.yaml': 'python: "3.11"\npackages: [numpy]\n' } },
  pythonEnvFloat: { text: 'python_env: python_env.yaml\nentry_points:\n  main:\n    command: "echo"\n', files: { 'python_env.yaml': 'python: 3.10\n' } },
  intType: { text: 'entry_points:\n  main:\n    parameters:\n      n: {type: int, default: 3}\n      flag: bool\n      xs: list[str]\n    command: "echo {n} {flag} {xs}"\n' },
  floatNotNumber: { text: 'entry_points:\n  main:\n    parameters:\n      a: {type: float, default: abc}\n    command: "echo {a}"\n' },
  uriRelative: { text: 'entry_points:\n  main:\n    parameters:\n      d: {type: uri, default: ./data}\n    command: "echo {d}"\n' },
  uriOk: { text: 'entry_points:\n  main:\n    parameters:\n      d: {type: uri, default: "s3://bucket/x"}\n    command: "echo {d}"\n' },
  floatSpec: { text: 'entry_points:\n  main:\n    parameters:\n      a: {type: float, default: 1}\n    command: "echo {a:.2f}"\n' },
  widthSpec: { text: 'entry_points:\n  main:\n    parameters:\n      a: {type: string, default: x}\n    command: "echo {a:>10}"\n' },
  unclosed: { text: 'entry_points:\n  main:\n    parameters:\n      a: string\n    command: "echo {a"\n' },
  loneClose: { text: 'entry_points:\n  main:\n    command: "echo a}"\n' },
  escaped: { text: 'entry_points:\n  main:\n    command: "echo {{literal}} }}"\n' },
  positional: { text: 'entry_points:\n  main:\n    parameters:\n      a: string\n    command: "echo {} {a}"\n' },
  entryPointsNull: { text: 'name: x\nentry_points:\n' },
  empty: { text: '# nothing here\n' },
  topList: { text: '- a\n- b\n' },
  unknownKeys: { text: 'name: x\nkubernetes_env: {a: 1}\nentry_points:\n  main:\n    description: hi\n    command: "echo"\n' },
  duplicateKey: { text: 'entry_points:\n  main:\n    command: "echo 1"\n    command: "echo 2"\n' },
  gluedType: { text: 'entry_points:\n  main:\n    parameters:\n      lr: {type:float, default: 1.0}\n    command: "echo {lr}"\n' },
  yamlError: { text: 'entry_points:\n  main:\n    command: "echo\n  bad: [\n' },
  sparkWithDocker: { text: 'name: s\ndocker_env:\n  image: x\ndatabricks_spark_job:\n  python_file: a.py\n' },
  dashedName: { text: 'entry_points:\n  main:\n    parameters:\n      hidden-units: {type: string, default: "50 20"}\n    command: |\n      python t.py \\\n        --hidden-units {hidden-units}\n' },
  commandNumber: { text: 'entry_points:\n  main:\n    command: 42\n' },
  entryPointString: { text: 'entry_points:\n  main: "python train.py"\n' },
  emptyEnv: { text: 'conda_env:\nentry_points:\n  main:\n    command: "echo"\n' },
};

const models: Record<string, string> = {
  valid: `artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    python_version: 3.11.4\n    model_path: model.pkl\nsignature:\n  inputs: '[{"type": "double", "name": "x", "required": true}]'\n  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'\n  params: '[{"name": "k", "type": "long", "default": 3, "shape": null}]'\nutc_time_created: '2024-01-01 10:00:00.123456'\n`,
  badJson: `flavors: {}\nsignature:\n  inputs: '[{"type": "double", "name": "x",}]'\n`,
  emptyInputs: `flavors: {}\nsignature:\n  inputs: '[]'\n`,
  mixedNames: `flavors: {}\nsignature:\n  inputs: '[{"type": "double", "name": "x"}, {"type": "double"}]'\n`,
  unknownType: `flavors: {}\nsignature:\n  inputs: '[{"type": "decimal", "name": "x"}]'\n`,
  extraKey: `flavors: {}\nsignature:\n  inputs: '[{"type": "double", "name": "x", "nullable": true}]'\n`,
  paramNoDefault: `flavors: {}\nsignature:\n  inputs: '[{"type": "double"}]'\n  params: '[{"name": "k", "type": "long"}]'\n`,
  paramBinary: `flavors: {}\nsignature:\n  inputs: '[{"type": "double"}]'\n  params: '[{"name": "k", "type": "binary", "default": null}]'\n`,
  paramDup: `flavors: {}\nsignature:\n  inputs: '[{"type": "double"}]'\n  params: '[{"name": "k", "type": "long", "default": 1}, {"name": "k", "type": "long", "default": 2}]'\n`,
  mixedTensor: `flavors: {}\nsignature:\n  inputs: '[{"type": "double", "name": "a"}, {"type": "tensor", "name": "b", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]'\n`,
  composite: `flavors: {}\nsignature:\n  inputs: '[{"type": "array", "items": {"type": "string"}, "name": "t", "required": true}, {"type": "object", "properties": {"a": {"type": "long", "required": true}}, "name": "o", "required": true}, {"type": "map", "values": {"type": "double"}, "name": "w", "required": false}]'\n`,
  arrayNoItems: `flavors: {}\nsignature:\n  inputs: '[{"type": "array", "name": "t"}]'\n`,
  notMapping: `- a\n- b\n`,
  noLoader: `flavors:\n  python_function:\n    python_version: 3.11.4\n`,
  inputsList: `flavors: {}\nsignature:\n  inputs: [1, 2]\n`,
  unknownTop: `flavors: {}\nmy_extra: 1\nflavours: {}\n`,
  folded: `flavors: {}\nsignature:\n  inputs: '[{"type": "double", "name": "Gender", "required": true}, {"type": "double",\n    "name": "Age", "required": true}]'\n`,
};

test('MLproject: our errors match exactly where real MLflow fails to load or build the command', () => {
  const cases = Object.entries(projects).map(([name, c]) => {
    const dir = join(root, 'p-' + name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'MLproject'), c.text);
    for (const [f, t] of Object.entries(c.files ?? {})) writeFileSync(join(dir, f), t);
    return { name, dir };
  });
  const py = `
import json, sys, yaml, os
from mlflow.projects import _project_spec
from mlflow.projects.docker import validate_docker_env
from mlflow.utils.environment import _PythonEnv
cases = json.loads(${JSON.stringify(JSON.stringify(cases))})
out = {}
for c in cases:
    try:
        p = _project_spec.load_project(c["dir"])
        if p.env_type == "docker_env":
            validate_docker_env(p)
        if p.env_type == "python_env" and p.env_config_path:
            _PythonEnv.from_yaml(p.env_config_path)
        raw = yaml.safe_load(open(os.path.join(c["dir"], "MLproject"))) or {}
        for name in (raw.get("entry_points") or {}):
            ep = p.get_entry_point(name)
            user = {k: ("s3://b/x" if v.type == "uri" else "v") for k, v in ep.parameters.items() if v.default is None}
            ep.compute_command(user, None)
        out[c["name"]] = None
    except BaseException as e:
        out[c["name"]] = type(e).__name__ + ": " + str(e)[:200]
print(json.dumps(out))
`;
  const mlflowResult = runPythonJson<Record<string, string | null>>(py);
  const mismatches: string[] = [];
  for (const { name, dir } of cases) {
    const a = analyzeMlproject(projects[name].text, { path: join(dir, 'MLproject'), fs: nodeFileProbe });
    const ours = a.diagnostics.filter((d) => d.severity === 'error');
    const fails = mlflowResult[name] !== null;
    if (fails !== ours.length > 0) mismatches.push(`${name}: mlflow ${fails ? 'fails (' + mlflowResult[name] + ')' : 'ok'}, ours ${ours.map((d) => d.code).join(',') || 'no error'}`);
  }
  assert.deepEqual(mismatches, []);
  // The sample set must exercise both outcomes.
  assert.ok(Object.values(mlflowResult).filter((v) => v === null).length >= 10);
  assert.ok(Object.values(mlflowResult).filter((v) => v !== null).length >= 15);
});

test('MLmodel: our errors match exactly where Model.load (and the pyfunc loader lookup) fails', () => {
  const cases = Object.entries(models).map(([name, text]) => {
    const dir = join(root, 'm-' + name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'MLmodel'), text);
    return { name, dir };
  });
  const py = `
import json
from mlflow.models import Model
cases = json.loads(${JSON.stringify(JSON.stringify(cases))})
out = {}
for c in cases:
    try:
        m = Model.load(c["dir"] + "/MLmodel")
        conf = m.flavors.get("python_function")
        if conf is not None:
            conf["loader_module"]
        out[c["name"]] = None
    except BaseException as e:
        out[c["name"]] = type(e).__name__ + ": " + str(e)[:200]
print(json.dumps(out))
`;
  const mlflowResult = runPythonJson<Record<string, string | null>>(py);
  const mismatches: string[] = [];
  for (const { name } of cases) {
    const a = analyzeMlmodel(models[name]);
    const ours = a.diagnostics.filter((d) => d.severity === 'error');
    const fails = mlflowResult[name] !== null;
    if (fails !== ours.length > 0) mismatches.push(`${name}: mlflow ${fails ? 'fails (' + mlflowResult[name] + ')' : 'ok'}, ours ${ours.map((d) => d.message).join(' | ') || 'no error'}`);
  }
  assert.deepEqual(mismatches, []);
});
