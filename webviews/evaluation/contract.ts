import type { EvalTable } from '../../extension/core/evaluations/evalTable';

/**
 * The evaluation results panel's contract (docs/webviews.md): the host sends the run's aggregate
 * metrics and its per-row table once (read from the evaluation's traces or its table artifact); the
 * page sorts and filters it locally. Every cell is store text and is rendered as text.
 */

export const EVALUATION_VIEW_TYPE = 'mlflow.evaluation';

export interface EvaluationInit {
  runId: string;
  runName: string;
  /** Aggregates (e.g. `exact_match/mean`): the run's latest metrics, sorted by key. */
  metrics: { key: string; value: number }[];
  table?: EvalTable;
  error?: string;
}

export interface EvaluationState {
  runId: string;
  sortBy?: string;
  descending?: boolean;
  /** Text every shown row contains (case-insensitive). */
  search?: string;
}

export type EvaluationContract = {
  requests: Record<string, never>;
  pushes: { init: EvaluationInit };
  events: { openRun: { runId: string }; openTrace: { traceId: string } };
  state: EvaluationState;
};
