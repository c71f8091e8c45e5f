import type { BodyFormat } from '../../extension/core/serving/requestBody';

/**
 * The "Try it" panel's contract (docs/serving.md): the page edits a JSON request body; the HOST
 * posts it to the local scoring server's /invocations (the page has no network access at all) and
 * hands back the answer as text.
 */

export const TRY_IT_VIEW_TYPE = 'mlflow.tryIt';

export interface TryItInit {
  /** `name v3` or `name@champion`. */
  label: string;
  modelUri: string;
  /** The scoring server, http://127.0.0.1:PORT. */
  url: string;
  running: boolean;
  /** The first body: the model's input example when it has one, else a skeleton. */
  body: string;
  /** Where the body came from ("serving_input_example.json", "the signature…"), or why there is no example. */
  exampleNote: string;
}

export interface InvocationAnswer {
  status: number;
  contentType: string;
  text: string;
  ms: number;
  truncated: boolean;
}

export interface TryItState {
  body: string;
  format?: BodyFormat;
}

export type TryItContract = {
  requests: {
    send: { params: { body: string }; result: InvocationAnswer };
  };
  pushes: {
    init: TryItInit;
    /** The serve task ended (or started again). */
    server: { running: boolean; message: string };
  };
  events: Record<string, never>;
  state: TryItState;
};
