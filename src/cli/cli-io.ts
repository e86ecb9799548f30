/** What a CLI command may touch of the outside world; tests pass their own to run the CLI in-process. */
import type { Command } from 'commander';
import type { Patchcall } from '../app/patchcall';
import type { Config } from '../config';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  interactive: boolean;
  /** True when stdout is a terminal: colour is used only then (unless --color says otherwise). */
  stdoutIsTty?: boolean;
  /** Terminal width, when stdout is a terminal: tables are fitted to it. */
  columns?: number;
  /** Standard input, read whole, for `import -`. */
  readStdin?: () => Promise<Buffer>;
  env: NodeJS.ProcessEnv;
  /** The OS user running the command, recorded as the actor of what it changes. */
  user: string;
  clock?: () => Date;
}

export type DatabaseAccess = 'read' | 'write' | 'audit';

export interface GlobalOptions {
  db?: string;
  json?: boolean;
  /** Run as of this moment (ISO 8601): replays a past day, e.g. the afternoon MS08-067 came out. */
  at?: string;
  /** --color / --no-color / --color=always|never|auto */
  color?: boolean | string;
}

export interface CliRuntime {
  io: CliIo;
  config: Config;
  /**
   * Opens the store for a command and gives its use cases; the CLI closes it when the command ends. `read` (the
   * default) refuses a database that does not exist and lookup tables that disagree with the log; `write` may
   * create the database (import, watch) and checks the tables in its transaction; `audit` opens an existing
   * database whatever its tables hold, for the commands that report or repair them.
   * With PATCHCALL_DATABASE_URL the use cases run on a replica's local copy of the PostgreSQL log, caught up at open.
   */
  open(options: GlobalOptions, access?: DatabaseAccess): Promise<Patchcall>;
  /** Prints a result: JSON with --json, else the human text. */
  print(options: GlobalOptions, json: unknown, human: () => string): void;
  /** Sets the process exit code (0 ok, 1 failure, 2 bad input or usage, 3 an unsigned record: not proven). */
  fail(code: 1 | 2 | 3): void;
  /** Colour and width for human output, decided once from the terminal, NO_COLOR and --color. */
  style(options: GlobalOptions): TextStyle;
}

export interface TextStyle {
  colour: boolean;
  /** Terminal width to fit tables into; undefined when not a terminal (tables take the width they need). */
  columns?: number;
}

/** Global options can stand before or after the subcommand. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}
