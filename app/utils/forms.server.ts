import type { Submission } from "@conform-to/react";
import { data } from "@remix-run/node";
import { isUserError } from "./errors";

/** Turns a rule broken in a module into the form's reply: the message next to its field,
 * the rest of the input kept (passwords excepted). Anything else is rethrown. */
export function replyWithUserError<S extends Submission<unknown>>(
  submission: S,
  error: unknown,
  hideFields: string[] = [],
) {
  if (!isUserError(error)) throw error;
  return data(
    submission.reply({
      fieldErrors: error.field ? { [error.field]: [error.message] } : undefined,
      formErrors: error.field ? undefined : [error.message],
      hideFields,
    }),
    { status: 400 },
  );
}

export function replyInvalid<S extends Submission<unknown>>(
  submission: S,
  hideFields: string[] = [],
) {
  return data(submission.reply({ hideFields }), { status: 400 });
}
