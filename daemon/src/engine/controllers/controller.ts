import type { Dispatch } from "../actions.js";
import type { EngineState } from "../state.js";

/** A controller reads state, calls ports, and reports results as actions. onChange never awaits and is idempotent. */
export interface Controller {
  readonly name: string;
  onChange(state: EngineState, dispatch: Dispatch): void;
  stop?(): Promise<void>;
}
