import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isStoreError } from '../../../extension/core/store/errors';
import { restOptionsFromEnv } from '../../../extension/core/store/rest/restOptions';
import { RestStore } from '../../../extension/core/store/rest/restStore';

/**
 * TLS options of the REST store (MLFLOW_TRACKING_SERVER_CERT_PATH, MLFLOW_TRACKING_INSECURE_TLS)
 * against an HTTPS peer with a self-signed certificate made by openssl. `mlflow server` has no TLS
 * flags of its own (it is normally put behind a proxy), so the peer only answers the one call.
 */

const dir = mkdtempSync(join(tmpdir(), 'mlwb-tls-'));
const cert = join(dir, 'cert.pem');
let server: https.Server;
let url = '';

before(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(cert) }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"experiments":[{"experiment_id":"0","name":"Default","lifecycle_stage":"active"}]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

test('an unknown certificate fails at once (no retries) with what to set', async () => {
  await assert.rejects(RestStore.connect(url), (e: unknown) => {
    assert.ok(isStoreError(e, 'UNREACHABLE'));
    assert.match(e.message, new RegExp(`^TLS check failed for ${url}: .*self.signed.*MLFLOW_TRACKING_SERVER_CERT_PATH.*MLFLOW_TRACKING_INSECURE_TLS=true`));
    return true;
  });
});

test('MLFLOW_TRACKING_SERVER_CERT_PATH verifies the server with that CA bundle', async () => {
  const store = await RestStore.connect(url, restOptionsFromEnv({ MLFLOW_TRACKING_SERVER_CERT_PATH: cert }));
  assert.deepEqual((await store.searchExperiments()).map((e) => e.name), ['Default']);
  await store.close();
});

test('MLFLOW_TRACKING_INSECURE_TLS=true skips the check', async () => {
  const store = await RestStore.connect(url, restOptionsFromEnv({ MLFLOW_TRACKING_INSECURE_TLS: 'true' }));
  assert.equal((await store.searchExperiments()).length, 1);
  await store.close();
});

test('a CA bundle that cannot be read is named', () => {
  assert.throws(() => new RestStore(url, { caCertPath: join(dir, 'missing.pem') }), /Cannot read the CA bundle .*missing\.pem \(MLFLOW_TRACKING_SERVER_CERT_PATH\)/);
});
