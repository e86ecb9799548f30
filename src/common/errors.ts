/** Errors with stable codes, so every edge (CLI exit codes, Slack replies, HTTP status) maps them one way. */

export type ErrorCode =
  | 'BAD_INPUT' // a file or request that cannot be accepted as it is
  | 'USAGE' // a command used the wrong way
  | 'NOT_FOUND'
  | 'CONFIG' // a setting is missing or malformed
  | 'DB_TOO_NEW' // the database was written by a newer patchcall
  | 'BAD_DATABASE' // the --db path cannot be used: impossible, missing for a read, or not a patchcall database
  | 'BUSY' // another writer held the database for longer than the busy timeout
  | 'DISK_FULL'
  | 'TABLES_DIFFER' // a lookup table disagrees with the event log
  | 'CHAIN_BROKEN' // the event log's hash chain does not verify
  | 'FORBIDDEN'
  | 'INTERNAL';

export class PatchcallError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PatchcallError';
  }
}

/** Where in an input the problem is: a line (and column) in text, or a JSON pointer in a document. */
export interface InputPlace {
  line?: number;
  column?: number;
  pointer?: string;
}

/**
 * Bad input names the file, the place in it and what is wrong, so a person can fix it without a debugger.
 * `file` is the name the user gave (path, URL or "request body").
 */
export class InputError extends PatchcallError {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly place: InputPlace = {},
  ) {
    super('BAD_INPUT', `${file}${formatPlace(place)}: ${problem}`);
    this.name = 'InputError';
  }
}

export function formatPlace(place: InputPlace): string {
  const parts: string[] = [];
  if (place.line !== undefined)
    parts.push(`line ${place.line}${place.column !== undefined ? `, column ${place.column}` : ''}`);
  if (place.pointer !== undefined) parts.push(`at ${place.pointer === '' ? '/' : place.pointer}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function isPatchcallError(error: unknown): error is PatchcallError {
  return error instanceof PatchcallError;
}
