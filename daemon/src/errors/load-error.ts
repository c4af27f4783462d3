import { DevloopError } from "./devloop-error.js";
import { RuntimeCodes } from "./runtime-codes.js";

/** Loading a project failed for a reason that is not a diagnostic of its files (the daemon shows it as DL-LOAD-001). */
export class ProjectLoadError extends DevloopError {
  override readonly name = "ProjectLoadError";
  protected readonly defaultCode = RuntimeCodes.load.code;
}
