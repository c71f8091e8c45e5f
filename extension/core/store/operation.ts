import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The caller's side of a store call: a way to cancel it, a total deadline, and a listener for
 * retries. It travels with the async call chain (AsyncLocalStorage) instead of through every
 * store method's parameters, so the store interfaces stay as MLflow's client has them and a view
 * can wrap any sequence of calls: `runStoreOperation({ signal }, () => store.searchRuns(…))`.
 * Stores that never wait on a network (file, SQLite) simply ignore it.
 */

/** What the network layer reports while an operation waits on a flaky server. */
export type RequestEvent =
  | {
      kind: 'retrying';
      /** The URL (without credentials) of the request being retried. */
      url: string;
      /** 1 for the first retry. */
      attempt: number;
      maxRetries: number;
      /** Why: "HTTP 503", "connection refused", "no complete answer within 120 s". */
      reason: string;
      /** Wait before the next attempt. */
      delayMs: number;
    }
  /** After at least one retry, the request ended (ok or not); lets a UI clear its "retrying…". */
  | { kind: 'settled'; url: string; ok: boolean };

export interface StoreOperation {
  /** Aborts every request of the operation; the call then fails with a CANCELLED StoreError. */
  signal?: AbortSignal;
  /** Total time for the operation, retries and pages included, in ms from the moment it starts. */
  timeoutMs?: number;
  /** How messages name this deadline, e.g. "the 30 s allowed for a first contact". */
  deadlineName?: string;
  onRequestEvent?: (e: RequestEvent) => void;
}

/** An operation as the network layer sees it: the deadline fixed to a clock time. */
export interface ActiveOperation {
  signal?: AbortSignal;
  /** Date.now() value after which no request starts and running ones are cut. */
  deadline?: number;
  deadlineName?: string;
  onRequestEvent?: (e: RequestEvent) => void;
}

const current = new AsyncLocalStorage<ActiveOperation>();

/**
 * Runs `fn` as one operation. Nested operations keep the outer signal and listener and the
 * earlier of the two deadlines, so a helper can tighten but never lift a caller's bound.
 */
export function runStoreOperation<T>(op: StoreOperation, fn: () => Promise<T>): Promise<T> {
  const outer = current.getStore();
  const own = op.timeoutMs === undefined ? undefined : Date.now() + op.timeoutMs;
  const ownWins = own !== undefined && (outer?.deadline === undefined || own < outer.deadline);
  const deadline = ownWins ? own : outer?.deadline;
  const deadlineName = ownWins ? op.deadlineName : outer?.deadlineName;
  const signal = op.signal && outer?.signal ? AbortSignal.any([op.signal, outer.signal]) : (op.signal ?? outer?.signal);
  const listeners = [outer?.onRequestEvent, op.onRequestEvent].filter((f): f is (e: RequestEvent) => void => !!f);
  const onRequestEvent = listeners.length === 0 ? undefined : (e: RequestEvent) => listeners.forEach((f) => f(e));
  return current.run({ signal, deadline, deadlineName, onRequestEvent }, fn);
}

/** The operation the current async chain runs in, if any. */
export function currentOperation(): ActiveOperation | undefined {
  return current.getStore();
}
