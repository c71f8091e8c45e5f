import * as vscode from 'vscode';
import { runStoreOperation, type RequestEvent } from '../core/store/operation';

/**
 * Runs store calls for a view so a slow or flaky server never blocks it silently: a progress bar
 * in the view while the calls run, and once the first retry happens a notification that says
 * "retrying…" (attempt, reason, next wait) with a Cancel button that aborts the operation.
 * The calls themselves need no parameters: the operation reaches the network layer through the
 * async context (core/store/operation.ts).
 */
export function withStoreCall<T>(what: { title: string; viewId?: string }, fn: () => Promise<T>): Promise<T> {
  const abort = new AbortController();
  let notify: ((e: RequestEvent) => void) | undefined;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((r) => (finished = r));
  const onRequestEvent = (e: RequestEvent) => {
    if (e.kind !== 'retrying') return;
    if (!notify) {
      let report: ((e: RequestEvent) => void) | undefined;
      notify = (ev) => report?.(ev);
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `MLflow: ${what.title}`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          report = (ev) => progress.report({ message: retryText(ev) });
          report(e);
          return done;
        },
      );
    } else notify(e);
  };
  const run = () => runStoreOperation({ signal: abort.signal, onRequestEvent }, fn).finally(finished);
  return what.viewId ? Promise.resolve(vscode.window.withProgress({ location: { viewId: what.viewId } }, run)) : run();
}

/** "retrying http://host/api/… (attempt 2 of 7: HTTP 503), next in 4 s…" */
export function retryText(e: RequestEvent): string {
  if (e.kind !== 'retrying') return '';
  const wait = e.delayMs >= 1000 ? `, next in ${Math.round(e.delayMs / 1000)} s` : '';
  return `retrying ${e.url} (attempt ${e.attempt + 1} of ${e.maxRetries + 1}: ${e.reason})${wait}…`;
}
