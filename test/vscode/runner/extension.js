// Test-only extension installed next to MLflow Workbench in code-server. code-server has no
// extensionTestsPath, so this loads the suite bundle named by MLWB_TEST_SUITE (the extension host
// inherits code-server's environment) and calls its run(), the @vscode/test-electron contract.
'use strict';
const fs = require('node:fs');

function writeAtomically(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 1));
  fs.renameSync(tmp, path);
}

exports.activate = function activate() {
  const suite = process.env.MLWB_TEST_SUITE;
  const results = process.env.MLWB_TEST_RESULTS;
  if (!suite) return;
  // Not awaited: activation must return so the workbench can finish starting.
  setTimeout(async () => {
    try {
      await require(suite).run();
    } catch (e) {
      // run() writes the results itself; only a crash before that leaves no file behind.
      if (results && !fs.existsSync(results)) {
        writeAtomically(results, { passed: 0, failed: 1, results: [{ name: 'suite', ok: false, error: String((e && e.stack) || e) }] });
      }
    }
  }, 0);
};

exports.deactivate = function deactivate() {};
