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
  | 'UNAVAILABLE' // a server or file that could not be reached: a failure, not bad input
  | 'CONFLICT' // the outside world is in a state that refuses the request (e.g. every channel name taken)
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

/** A setting, a file in rules/ or the installation is wrong; the message says which one and how to fix it. */
export class ConfigError extends PatchcallError {
  constructor(message: string) {
    super('CONFIG', message);
    this.name = 'ConfigError';
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
  readonly problem: string;

  constructor(
    readonly file: string,
    problem: string,
    readonly place: InputPlace = {},
  ) {
    const oneLine = boundedProblem(problem);
    super('BAD_INPUT', `${file}${formatPlace(place)}: ${oneLine}`);
    this.problem = oneLine;
    this.name = 'InputError';
  }
}

const MAX_QUOTED = 80;
const MAX_PROBLEM = 400;

/**
 * A problem on one line, with any quoted value cut to about 80 characters: a message must not repeat a 1 MB
 * field or a nested value thousands of levels deep. Parsers quote with quoteValue; this is the backstop.
 */
function boundedProblem(problem: string): string {
  const oneLine = problem.replace(/\s*[\r\n]+\s*/g, ' ');
  const cut = oneLine.replace(/"(?:[^"\\]|\\.){80,}?"/g, (quoted) =>
    quoted.length > MAX_QUOTED ? `${quoted.slice(0, MAX_QUOTED - 2)}…" (${quoted.length} characters)` : quoted,
  );
  return cut.length > MAX_PROBLEM ? `${cut.slice(0, MAX_PROBLEM - 1)}…` : cut;
}

export function formatPlace(place: InputPlace): string {
  const parts: string[] = [];
  if (place.line !== undefined)
    parts.push(`line ${place.line}${place.column !== undefined ? `, column ${place.column}` : ''}`);
  if (place.pointer !== undefined) {
    const pointer = place.pointer === '' ? '/' : place.pointer;
    parts.push(`at ${pointer.length > 120 ? `${pointer.slice(0, 119)}…` : pointer}`);
  }
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function isPatchcallError(error: unknown): error is PatchcallError {
  return error instanceof PatchcallError;
}
