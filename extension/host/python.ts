import * as vscode from 'vscode';
import { pythonCommand, pythonInsideFolders } from '../core/store/isolatedPython';

/**
 * The Python that has mlflow: the `mlflow.pythonPath` setting, else the Python extension's
 * selected interpreter when that extension is installed, else `python3` from PATH.
 *
 * In Restricted Mode nothing the workspace controls picks the interpreter: VS Code already ignores
 * the workspace's own value of `mlflow.pythonPath` (a restricted configuration), the Python
 * extension's choice is not asked (it may be the workspace's `.venv`), and an interpreter that lives
 * inside a workspace folder is refused.
 */
export async function resolvePython(resource?: vscode.Uri): Promise<string> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const base = (resource && vscode.workspace.getWorkspaceFolder(resource)?.uri.fsPath) ?? folders[0];
  const configured = vscode.workspace.getConfiguration('mlflow', resource).get<string>('pythonPath')?.trim();
  if (!vscode.workspace.isTrusted) {
    if (configured) {
      if (pythonInsideFolders(configured, folders)) {
        throw new UntrustedPythonError(`The Python in mlflow.pythonPath (${configured}) is inside this folder, which is not trusted. Trust this folder to use it.`);
      }
      return configured;
    }
    return 'python3';
  }
  // A relative setting means relative to the workspace folder, though Python itself runs elsewhere.
  if (configured) return base ? pythonCommand(configured, base) : configured;
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

export class UntrustedPythonError extends Error {}
