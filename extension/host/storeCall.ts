import * as vscode from 'vscode';
import { runStoreOperation, type RequestEvent } from '../core/store/operation';

/**
 * Runs store calls for a view so a slow or flaky server never blocks it silently: a progress bar
 * in the view while the calls run, and, once the calls take longer than `slowMs` or the first
 * retry happens, a notification that says what is going on ("retrying…" with attempt, reason and
 * next wait) with a Cancel button that aborts the operation. The calls themselves need no
 * parameters: the operation reaches the network layer through the async context
 * (core/store/operation.ts). Local stores answer before `slowMs`, so they never show it.
 */
export function withStoreCall<T>(what: { title: string; viewId?: string; slowMs?: number }, fn: () => Promise<T>): Promise<T> {
  const abort = new AbortController();
  let report: ((message: string) => void) | undefined;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((r) => (finished = r));
  let settled = false;
  const open = (message: string) => {
    if (report || settled) return report?.(message);
    let pending = message;
    report = (m) => (pending = m);
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `MLflow: ${what.title}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        report = (m) => progress.report({ message: m });
        report(pending);
        return done;
      },
    );
  };
  const slow = setTimeout(() => open('waiting for the server…'), what.slowMs ?? 2000);
  const onRequestEvent = (e: RequestEvent) => {
    if (e.kind === 'retrying') open(retryText(e));
  };
  const run = () =>
    runStoreOperation({ signal: abort.signal, onRequestEvent }, fn).finally(() => {
      settled = true;
      clearTimeout(slow);
      finished();
    });
  return what.viewId ? Promise.resolve(vscode.window.withProgress({ location: { viewId: what.viewId } }, run)) : run();
}

/** "retrying http://host/api/… (attempt 2 of 7: HTTP 503), next in 4 s…" */
export function retryText(e: RequestEvent): string {
  if (e.kind !== 'retrying') return '';
  const wait = e.delayMs >= 1000 ? `, next in ${Math.round(e.delayMs / 1000)} s` : '';
  return `retrying ${e.url} (attempt ${e.attempt + 1} of ${e.maxRetries + 1}: ${e.reason})${wait}…`;
}
