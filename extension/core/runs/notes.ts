import { TAG } from '../model/entities';
import { tagValueProblem } from '../model/trackingRules';
import { StoreError } from '../store/errors';
import type { TrackingReader, TrackingStore } from '../store/trackingStore';

/**
 * Descriptions of runs and experiments ("notes"): MLflow keeps them as markdown in the
 * `mlflow.note.content` tag. The editor opens them as documents of the `mlflow-note:` scheme:
 *
 *   mlflow-note:/<run|experiment>/<id>/<readable name>.md?store=<store URI, percent-encoded>
 *
 * The last segment only gives the tab a readable name and the markdown language; the kind and id
 * say what is read and written. Saving writes the tag back, after checking that nobody changed it
 * since the document was read (else NoteConflictError: nothing is written, the editor keeps the text).
 */

export const NOTE_SCHEME = 'mlflow-note';

export type NoteOwner = 'run' | 'experiment';

export interface NoteRef {
  store: string;
  owner: NoteOwner;
  id: string;
}

export interface NoteUriParts {
  scheme: string;
  authority: string;
  path: string;
  query: string;
}

export class NoteUriError extends Error {}

/** The other side changed the note after it was read; the text being saved would overwrite that. */
export class NoteConflictError extends Error {}

function checkId(id: string): void {
  if (!/^[\w-]+$/.test(id)) throw new NoteUriError(`Invalid id in note URI: '${id}'`);
}

/** A file name for the tab: the entity's name with path and control characters replaced. */
function fileLabel(name: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = name.replace(/[\\/\x00-\x1f\x7f?#%*:|"<>]/g, '_').trim().slice(0, 80);
  return `${safe || 'description'}.md`;
}

export function noteUriParts(ref: NoteRef, displayName: string): NoteUriParts {
  checkId(ref.id);
  if (!ref.store) throw new NoteUriError('Note URI without a store');
  return { scheme: NOTE_SCHEME, authority: '', path: `/${ref.owner}/${ref.id}/${fileLabel(displayName)}`, query: `store=${encodeURIComponent(ref.store)}` };
}

export function parseNoteUri(parts: Pick<NoteUriParts, 'scheme' | 'path' | 'query'>): NoteRef {
  if (parts.scheme !== NOTE_SCHEME) throw new NoteUriError(`Not an ${NOTE_SCHEME}: URI (scheme '${parts.scheme}')`);
  const m = /^\/(run|experiment)\/([^/]+)\/[^/]+\.md$/.exec(parts.path);
  if (!m) throw new NoteUriError(`Not a run or experiment description: '${parts.path}'`);
  checkId(m[2]);
  let store: string | null = null;
  try {
    store = new URLSearchParams(parts.query).get('store');
  } catch {
    store = null;
  }
  if (!store) throw new NoteUriError(`Note URI names no store: '${parts.path}'`);
  return { store, owner: m[1] as NoteOwner, id: m[2] };
}

/** The note as the store holds it now ('' when there is none). */
export async function readNote(store: Pick<TrackingReader, 'getRun' | 'getExperiment'>, ref: Pick<NoteRef, 'owner' | 'id'>): Promise<string> {
  const tags = ref.owner === 'run' ? (await store.getRun(ref.id)).data.tags : (await store.getExperiment(ref.id)).tags;
  return tags[TAG.note] ?? '';
}

/**
 * Writes `text` as the note, unless the store's note is no longer `base` (what the editor read):
 * then NoteConflictError, and nothing is written. Text MLflow would cut is refused before writing.
 * Resolves to what the store holds afterwards, read back.
 */
export async function writeNote(store: TrackingStore, ref: Pick<NoteRef, 'owner' | 'id'>, text: string, base: string | undefined): Promise<string> {
  const tooLong = tagValueProblem(text, ref.owner);
  if (tooLong) throw new StoreError('INVALID_PARAMETER_VALUE', `The description is too long: ${tooLong}`);
  const current = await readNote(store, ref);
  if (base !== undefined && current !== base) {
    throw new NoteConflictError(
      `The ${ref.owner}'s description was changed in the store after you opened it. Nothing was written; your text is still in the editor. Copy it, then use "Revert File" to load the store's version.`,
    );
  }
  if (current === text) return current;
  if (ref.owner === 'run') await store.logBatch(ref.id, { tags: [{ key: TAG.note, value: text }] });
  else await store.setExperimentTag(ref.id, TAG.note, text);
  return readNote(store, ref);
}
