import type { ModelVersion } from '../core/model/entities';
import { errText } from '../core/store/fileStore';
import { exampleBody } from '../core/serving/inputExample';
import { versionFiles } from '../core/serving/modelFiles';
import { invoke } from '../core/serving/scoringClient';
import { parseBody } from '../core/serving/requestBody';
import type { RequestHandlers } from '../../webviews/platform/envelope';
import type { TryItContract } from '../../webviews/tryIt/contract';

/**
 * The Try-it panel's host side without `vscode` (tested in plain Node): the first body from the
 * version's input example, and Send, which posts to the scoring server from here.
 */

/** Used when the model has neither an input example nor a signature. */
export const SKELETON_BODY = JSON.stringify({ dataframe_split: { columns: ['x'], data: [[0]] } }, null, 2);

export async function firstBody(store: unknown, version: ModelVersion | undefined): Promise<{ body: string; exampleNote: string }> {
  if (!version) return { body: SKELETON_BODY, exampleNote: 'No input example: edit the body to match the model\'s input.' };
  try {
    const files = await versionFiles(store, version);
    if (typeof files === 'string') return { body: SKELETON_BODY, exampleNote: `No input example: ${files}.` };
    const mlmodel = await files.read('MLmodel');
    if (mlmodel === undefined) return { body: SKELETON_BODY, exampleNote: `No MLmodel file at ${files.location}.` };
    const ex = await exampleBody(mlmodel, (p) => files.read(p));
    if (!ex) return { body: SKELETON_BODY, exampleNote: 'This model was logged without an input example or signature: edit the body to match its input.' };
    return { body: ex.body, exampleNote: `Prefilled from ${ex.source}.` };
  } catch (e) {
    return { body: SKELETON_BODY, exampleNote: `The input example could not be read: ${errText(e)}` };
  }
}

export function tryItRequests(url: () => string): RequestHandlers<TryItContract> {
  return {
    send: async ({ body }) => {
      const p = parseBody(body);
      if (!p.ok) throw new Error(p.message);
      try {
        return await invoke(url(), body);
      } catch (e) {
        throw new Error(`No answer from the model server at ${url()}: ${errText(e)}`);
      }
    },
  };
}
