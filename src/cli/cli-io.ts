/** What a CLI command may touch of the outside world; tests pass their own to run the CLI in-process. */
import type { Command } from 'commander';
import type { AppContext } from '../app/app-context';
import type { Config } from '../config';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  interactive: boolean;
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
}

export interface CliRuntime {
  io: CliIo;
  config: Config;
  /**
   * Opens the store for a command; the CLI closes it when the command ends. `read` (the default) refuses a
   * database that does not exist and lookup tables that disagree with the log; `write` may create the database
   * (import, watch) and checks the tables in its transaction; `audit` opens an existing database whatever its
   * tables hold, for the commands that report or repair them.
   */
  open(options: GlobalOptions, access?: DatabaseAccess): AppContext;
  /** Prints a result: JSON with --json, else the human text. */
  print(options: GlobalOptions, json: unknown, human: () => string): void;
  /** Sets the process exit code (0 ok, 1 failure, 2 bad input or usage). */
  fail(code: 1 | 2): void;
}

/** Global options can stand before or after the subcommand. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}
