import { DevloopError } from "../../daemon/src/errors/devloop-error.js";
import { RuntimeCodes } from "../../daemon/src/errors/runtime-codes.js";

/** An error caused by the user's input or environment: shown as its message alone, exit code 1. */
export class UserError extends DevloopError {
  override readonly name = "UserError";
  protected readonly defaultCode = RuntimeCodes.user.code;
}
