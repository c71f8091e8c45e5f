import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyze, complete, hover } from '../../../extension/core/lang/index';
import { globToRegExp, isGatewayConfig } from '../../../extension/core/lang/gatewayFiles';
import { runPythonJson, repoRoot } from '../../support/python';
import { applyFix, byCode, covered, cursor, diags } from './helpers';

/**
 * AI Gateway config files (`mlflow gateway start --config-path`): our errors must match what
 * mlflow 3.17.2's own loader (`_load_gateway_config`) refuses, file by file; plus completion,
 * hover, quick fixes, recognition by content or glob, and `mlwb lint`.
 */

const DIR = join(repoRoot, 'test/fixtures/gateway-configs');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('gateway configs agree with mlflow', () => {
  let mlflowErrors: Record<string, string | null>;
  before(() => {
    mlflowErrors = runPythonJson(`
import json, os, sys
from mlflow.gateway.config import _load_gateway_config
out = {}
for f in sorted(os.listdir(${JSON.stringify(DIR)})):
    if not f.endswith(".yaml"):
        continue
    try:
        _load_gateway_config(os.path.join(${JSON.stringify(DIR)}, f))
        out[f] = None
    except Exception as e:
        out[f] = str(e).splitlines()[0]
print(json.dumps(out))`, { OPENAI_API_KEY: 'x', ANTHROPIC_API_KEY: 'x', AZURE_KEY: 'x', COHERE_API_KEY: 'x' });
  });

  for (const f of files) {
    test(f, () => {
      const text = readFileSync(join(DIR, f), 'utf8');
      const errors = diags('gateway', text).filter((d) => d.severity === 'error');
      const refused = mlflowErrors[f];
      assert.equal(refused !== null, f.startsWith('bad-'), `fixture naming: mlflow ${refused ? `refuses it: ${refused}` : 'accepts it'}`);
      if (refused) assert.ok(errors.length > 0, `mlflow refuses ${f} (${refused}) but we report no error`);
      else assert.deepEqual(errors.map((e) => e.message), [], `mlflow accepts ${f}`);
    });
  }
});

test('each refusal is reported where it is, with the rule that explains it', () => {
  const at = (f: string, code: string) => {
    const text = readFileSync(join(DIR, f), 'utf8');
    const d = byCode(diags('gateway', text), `gateway/${code}`);
    assert.ok(d.length > 0, `${f}: no ${code} in ${JSON.stringify(diags('gateway', text).map((x) => x.code))}`);
    return { text, d: d[0] };
  };
  let r = at('bad-type.yaml', 'endpoint-type');
  assert.equal(covered(r.text, r.d), 'llm/v1/chatt');
  assert.match(applyFix(r.text, r.d), /endpoint_type: llm\/v1\/chat\n/);
  r = at('bad-route-type-key.yaml', 'route-type');
  assert.match(applyFix(r.text, r.d), /endpoint_type: llm\/v1\/chat/);
  assert.equal(covered(at('bad-no-config.yaml', 'missing-config').text, at('bad-no-config.yaml', 'missing-config').d), 'anthropic');
  assert.match(at('bad-missing-key.yaml', 'missing-key').d.message, /cohere_api_key/);
  assert.match(at('bad-missing-key.yaml', 'unknown-key').d.message, /cohere_key/);
  assert.equal(covered(at('bad-name.yaml', 'invalid-name').text, at('bad-name.yaml', 'invalid-name').d), 'my chat');
  assert.ok(at('bad-duplicate.yaml', 'duplicate-name'));
  assert.match(at('bad-route-sum.yaml', 'traffic-sum').d.message, /add up to 90/);
  assert.match(at('bad-route-sum.yaml', 'destination-type').d.message, /'e' is llm\/v1\/embeddings/);
  assert.ok(at('bad-azure.yaml', 'openai-openai-only'));
  assert.ok(at('bad-openai-deployment.yaml', 'openai-azure-only'));
  assert.ok(at('bad-limit.yaml', 'limit-period'));
  assert.ok(at('bad-no-endpoints.yaml', 'missing-endpoints'));
  const ok = readFileSync(join(DIR, 'ok-unknown-keys.yaml'), 'utf8');
  assert.deepEqual(diags('gateway', ok).map((d) => [d.code, d.severity]).sort(), [
    ['gateway/literal-api-key', 'info'],
    ['gateway/unknown-key', 'warning'],
    ['gateway/unknown-key', 'warning'],
  ]);
});

test('completion: keys by place, config keys of the provider, endpoint types, destinations', () => {
  const labels = (withBar: string) => {
    const { text, pos } = cursor(withBar);
    return complete(analyze('gateway', text), pos).map((c) => c.label);
  };
  assert.deepEqual(labels('endpoints:\n  - name: a\n    |'), ['endpoint_type', 'model', 'limit']);
  assert.deepEqual(labels('endpoints:\n  - name: a\n    endpoint_type: |'), ['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings']);
  assert.ok(labels('endpoints:\n  - name: a\n    model:\n      provider: |').includes('mlflow-model-serving'));
  const cfg = labels('endpoints:\n  - name: a\n    model:\n      provider: anthropic\n      config:\n        |');
  assert.deepEqual(cfg, ['anthropic_api_key', 'anthropic_version', 'anthropic_api_base']);
  assert.deepEqual(labels('endpoints:\n  - name: a\n    limit:\n      calls: 3\n      renewal_period: |'), ['second', 'minute', 'hour', 'day', 'month', 'year']);
  assert.deepEqual(
    labels('endpoints:\n  - name: a\n    endpoint_type: llm/v1/chat\n  - name: b\n    endpoint_type: llm/v1/chat\nroutes:\n  - name: r\n    destinations:\n      - name: |'),
    ['a', 'b'],
  );
  assert.deepEqual(labels('|'), ['endpoints', 'routes']);
});

test('hover: keys, provider config keys and endpoint types', () => {
  const text = readFileSync(join(DIR, 'ok-full.yaml'), 'utf8');
  const a = analyze('gateway', text);
  const at = (needle: string, nth = 0) => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
    const before = text.slice(0, i + 1);
    return hover(a, { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 })?.markdown;
  };
  assert.match(at('endpoint_type') ?? '', /What the endpoint does/);
  assert.match(at('llm/v1/embeddings') ?? '', /Embeddings/);
  assert.match(at('openai_api_base') ?? '', /Base URL/);
  assert.match(at('model_server_url') ?? '', /mlflow models serve/);
  assert.match(at('anthropic', 0) ?? '', /MLflow provider; `config` keys: `anthropic_api_key`/);
  assert.match(at('traffic_percentage') ?? '', /Share of calls/);
});

test('recognition: by content, or by glob; other YAML is left alone', () => {
  const gw = readFileSync(join(DIR, 'ok-full.yaml'), 'utf8');
  assert.ok(isGatewayConfig('/w/anything.yaml', gw));
  assert.ok(!isGatewayConfig('/w/ci.yaml', 'jobs:\n  build:\n    runs-on: ubuntu\n'));
  assert.ok(!isGatewayConfig('/w/endpoints.yaml', 'endpoints:\n  - url: http://x\n'));
  assert.ok(isGatewayConfig('/w/gw/new.yaml', 'endpoints:\n', ['gw/*.yaml']));
  assert.ok(globToRegExp('**/gateway*.{yaml,yml}').test('/a/b/gateway-prod.yml'));
  assert.ok(!globToRegExp('gw/*.yaml').test('/w/gw/sub/x.yaml'));
});

test('mlwb lint checks gateway configs found by content and named ones', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'extension/cli/index.ts'), 'lint', DIR, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const rows = JSON.parse(r.stdout) as { file: string; code: string; severity: string }[];
  const failing = new Set(rows.filter((x) => x.severity === 'error').map((x) => x.file.split('/').pop()));
  // bad-no-endpoints.yaml has no endpoint_type, so a folder scan does not take it for a gateway config.
  assert.deepEqual([...failing].sort(), files.filter((f) => f.startsWith('bad-') && f !== 'bad-no-endpoints.yaml'));
  const named = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'extension/cli/index.ts'), 'lint', join(DIR, 'bad-no-endpoints.yaml')], { encoding: 'utf8' });
  assert.equal(named.status, 1);
  assert.match(named.stdout, /endpoints` is required/);
  const ok = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'extension/cli/index.ts'), 'lint', join(DIR, 'ok-azure.yaml')], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
});
