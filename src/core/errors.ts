// Typed errors. The core throws these; only src/cli.ts turns them into exit codes.

/** Base of every error raidtx raises on purpose. `exitCode` follows cmp/diff conventions. */
export class RaidtxError extends Error {
  readonly exitCode: number;
  /** what to try, where a likely cause is known (the command line prints it as a second line) */
  hint: string | undefined;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
  /** Adds what to try: `throw new UsageError('...').withHint('...')`. */
  withHint(hint: string): this {
    this.hint = hint;
    return this;
  }
}

/** A library call was given an argument that breaks its contract (exit 2). */
export class ArgumentError extends RaidtxError {
  readonly argument: string;
  constructor(argument: string, rule: string) {
    super(`${argument}: ${rule}`, 2);
    this.argument = argument;
  }
}

/** The async_tx chain rules were broken: second child, acked parent, submit from a callback. */
export class ChainError extends RaidtxError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Bad command-line usage or input detected before any output was written (exit 2). */
export class UsageError extends RaidtxError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** An I/O failure while working; outputs are not committed (exit 3). */
export class IoError extends RaidtxError {
  readonly path: string | undefined;
  readonly offset: number | undefined;
  constructor(message: string, path?: string, offset?: number) {
    super(message, 3);
    this.path = path;
    this.offset = offset;
  }
}

/** An async_tx chain did not complete (a failed descriptor or its dependency); exit 3. */
export class OperationError extends RaidtxError {
  constructor(message: string) {
    super(message, 3);
  }
}

/** A requested engine or kernel is not available here (exit 2). */
export class EngineError extends RaidtxError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** SIGINT/SIGTERM arrived while working; outputs are not committed (exit 130). */
export class InterruptedError extends RaidtxError {
  constructor(signal: string) {
    super(`interrupted by ${signal}`, 130);
  }
}
