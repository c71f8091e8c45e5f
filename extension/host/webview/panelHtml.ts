import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The one place that writes a panel's HTML and its webview options. Every panel gets the same
 * Content-Security-Policy: nothing by default; scripts only with this load's nonce (no eval, no
 * inline handlers); styles, fonts and images only from dist/webviews; no remote origin at all.
 * Theme colours come from VS Code's CSS variables (`--vscode-*`), which VS Code sets on the page.
 */

export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews')];
}

export function webviewOptions(extensionUri: vscode.Uri, retainContextWhenHidden: boolean): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, enableFindWidget: true, retainContextWhenHidden, localResourceRoots: webviewRoots(extensionUri) };
}

export function contentSecurityPolicy(webview: Pick<vscode.Webview, 'cspSource'>, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/**
 * `bundle` names dist/webviews/<bundle>.js and <bundle>.css (scripts/build.mjs builds one per
 * entry of its PANELS list). The loading text is what shows before the script has run.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, loadingText: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', name)).toString();
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(webview, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(asset('codicon.css'))}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${attr(asset(`${bundle}.css`))}">
</head>
<body>
<main id="app" aria-live="polite"><p class="loading">${attr(loadingText)}</p></main>
<script nonce="${nonce}" src="${attr(asset(`${bundle}.js`))}"></script>
</body>
</html>`;
}
