import * as vscode from 'vscode';

/**
 * The Python that has mlflow: the `mlflow.pythonPath` setting, else the Python extension's
 * selected interpreter when that extension is installed, else `python3` from PATH.
 */
export async function resolvePython(resource?: vscode.Uri): Promise<string> {
  const configured = vscode.workspace.getConfiguration('mlflow', resource).get<string>('pythonPath')?.trim();
  if (configured) return configured;
  try {
    const ext = vscode.extensions.getExtension('ms-python.python');
    if (ext) {
      const api = (ext.isActive ? ext.exports : await ext.activate()) as {
        environments?: { getActiveEnvironmentPath(r?: vscode.Uri): { path: string } | undefined };
      };
      const p = api?.environments?.getActiveEnvironmentPath(resource)?.path;
      if (p) return p;
    }
  } catch {
    // The Python extension is optional; fall through to PATH.
  }
  return 'python3';
}
