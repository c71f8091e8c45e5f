/**
 * Typed errors so the glue can pick a UI (a tree message, a notification, a CLI exit code) without
 * parsing text. Codes follow MLflow's error_code names where one exists.
 */
export type StoreErrorCode =
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'INVALID_PARAMETER_VALUE'
  | 'INVALID_STATE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'ENDPOINT_NOT_FOUND'
  | 'UNREACHABLE'
  | 'UNSUPPORTED_STORE'
  | 'CORRUPT_DATA'
  /** A server's answer went past a size or count limit (body bytes, items per page, pages). */
  | 'RESOURCE_EXHAUSTED'
  /** The request or the whole operation ran past its deadline. */
  | 'DEADLINE_EXCEEDED'
  /** The caller aborted the operation (a Cancel button). */
  | 'CANCELLED'
  | 'INTERNAL_ERROR';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** The file path or URL the error is about, when there is one. */
    readonly location?: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}

/** A problem met while reading one item; the item is skipped or marked and loading goes on. */
export interface ReadProblem {
  /** File or URL the problem is in. */
  location: string;
  message: string;
}

/** Where readers report items they skipped. The extension routes this to its LogOutputChannel. */
export type ProblemSink = (p: ReadProblem) => void;
