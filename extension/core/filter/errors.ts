import { StoreError } from '../store/errors';

/**
 * A filter or order_by MLflow would reject. It is a StoreError with MLflow's code
 * (INVALID_PARAMETER_VALUE) so the glue treats it like a server-side rejection, and it carries the
 * span of the offending text so an editor or the CLI can point at it.
 */
export class FilterError extends StoreError {
  constructor(
    message: string,
    /** The whole filter (or order_by entry) that was being parsed. */
    readonly input: string,
    /** Offset of the offending text in `input` (UTF-16 code units). */
    readonly offset: number,
    readonly length: number,
  ) {
    super('INVALID_PARAMETER_VALUE', message);
    this.name = 'FilterError';
  }
}

/** The input, and a caret line under the offending span: for terminals and logs. */
export function formatFilterError(e: FilterError): string {
  const line = e.input.replace(/[\r\n\t]/g, ' ');
  const caret = ' '.repeat(Math.min(e.offset, line.length)) + '^'.repeat(Math.max(1, Math.min(e.length, line.length - e.offset)));
  return `${e.message}\n  ${line}\n  ${caret}`;
}
