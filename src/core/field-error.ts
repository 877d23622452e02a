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
  /** The message with every field named as the caller names it (e.g. a command-line option). */
  render(name: (field: string) => string): string {
    return this.wording(name(this.field), name);
  }
}
