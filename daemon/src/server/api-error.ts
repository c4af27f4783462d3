/**
 * The HTTP API's errors on the typed error base: every refusal a route or guard answers is an ApiRequestError with
 * a DL-API code (errors/api-codes.ts), its HTTP status, the message and at most one hint. The body is
 * `{ error: <the error's JSON in the diagnostic shape> }` plus `reason`, the short name the API used as its code
 * before (api/types.ts ApiError): the CLI and the dashboard show the message and the hint.
 */
import type { Response } from "express";
import type { ApiError } from "../api/types.js";
import type { ApiCodeInfo } from "../errors/api-codes.js";
import { DevloopError, type DevloopErrorJson } from "../errors/devloop-error.js";

export class ApiRequestError extends DevloopError {
  override readonly name = "ApiRequestError";
  protected readonly defaultCode: string;
  readonly status: number;
  readonly reason: string;

  constructor(info: ApiCodeInfo, message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
    this.defaultCode = info.code;
    this.status = info.status;
    this.reason = info.reason;
  }

  override toJSON(): DevloopErrorJson & { readonly reason: string } {
    return { ...super.toJSON(), reason: this.reason };
  }
}

/** Answers the request with the error: its status and `{ error }`. */
export const sendApiError = (res: Response, error: ApiRequestError): void => {
  res.status(error.status).json({ error: error.toJSON() } satisfies ApiError);
};

/** Answers the request with a new ApiRequestError of that code. */
export const refuse = (res: Response, info: ApiCodeInfo, message: string, hint?: string): void => sendApiError(res, new ApiRequestError(info, message, hint));
