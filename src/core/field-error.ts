// An error about named inputs of a library call. The core words it with the library's own parameter
// names ("level"); the command line words it again with its options ("--level"), so the core never
// needs to know the command line.

import { UsageError } from './errors.js';

/** Words a message; `name` turns an input's field name into the caller's word for it. */
export type FieldWording = (field: string, name: (field: string) => string) => string;

/** Bad, missing or contradictory value of input `field` (exit 2). */
export class FieldError extends UsageError {
  readonly field: string;
  readonly wording: FieldWording;
  constructor(field: string, wording: FieldWording) {
    super(wording(field, (f) => f));
    this.field = field;
    this.wording = wording;
  }
  /** what to try, worded like the message (fields named as the caller names them) */
  hintWording: FieldWording | undefined;
  /** The message with every field named as the caller names it (e.g. a command-line option). */
  render(name: (field: string) => string): string {
    return this.wording(name(this.field), name);
  }
  /** Adds what to try, naming fields through the caller (see `render`). */
  withFieldHint(wording: FieldWording): this {
    this.hintWording = wording;
    this.hint = wording(this.field, (f) => f);
    return this;
  }
  /** The hint with every field named as the caller names it, or undefined. */
  renderHint(name: (field: string) => string): string | undefined {
    return this.hintWording ? this.hintWording(name(this.field), name) : this.hint;
  }
}
