/** An error caused by the user's input or environment: shown as its message alone, exit code 1. */
export class UserError extends Error {
  override readonly name = "UserError";
}
