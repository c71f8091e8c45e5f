import { FilterError } from '../../core/filter/errors';
import { StoreError } from '../../core/store/errors';
import { errText } from '../../core/store/fileStore';
import type { RequestError } from '../../../webviews/platform/envelope';

/** An error thrown by a request handler, as the webview receives it: a filter error keeps its span. */
export function requestError(e: unknown): RequestError {
  if (e instanceof FilterError) return { message: e.message, code: e.code, span: { input: e.input, offset: e.offset, length: e.length } };
  if (e instanceof StoreError) return { message: e.location ? `${e.message} (${e.location})` : e.message, code: e.code };
  return { message: errText(e) };
}
