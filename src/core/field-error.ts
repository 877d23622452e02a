// An error about one named input of a library call. The core words it with the library's own
// parameter name ("level"); the command line words it again with its option ("--level"), so the
// core never needs to know the command line.

import { UsageError } from './errors.js';

/** How a message is worded, given the name to use for the field. */
export type FieldWording = (field: string) => string;

/** Bad or contradictory value of input `field` (exit 2). */
export class FieldError extends UsageError {
  readonly field: string;
  readonly wording: FieldWording;
  constructor(field: string, wording: FieldWording) {
    super(wording(field));
    this.field = field;
    this.wording = wording;
  }
  /** The message with the field named as the caller names it (e.g. a command-line option). */
  render(name: (field: string) => string): string {
    return this.wording(name(this.field));
  }
}
