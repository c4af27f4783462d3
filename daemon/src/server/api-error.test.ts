import { describe, expect, it } from "vitest";
import { ApiCodes, apiCodes } from "../errors/api-codes.js";
import { DevloopError } from "../errors/devloop-error.js";
import { ApiRequestError } from "./api-error.js";

describe("the HTTP API's errors", () => {
  it("are DevloopErrors: the code's status and reason, the message and hint, in the diagnostic shape without a stack", () => {
    const error = new ApiRequestError(ApiCodes.unknownProject, 'no project "shop" in the daemon', "run devloop up first");
    expect(error).toBeInstanceOf(DevloopError);
    expect([error.status, error.reason, error.code]).toEqual([404, "unknown-project", "DL-API-012"]);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "ApiRequestError",
      code: "DL-API-012",
      reason: "unknown-project",
      severity: "error",
      file: "",
      line: 0,
      column: 0,
      path: "",
      message: 'no project "shop" in the daemon',
      hint: "run devloop up first",
    });
  });

  it("have one code, one reason and an HTTP error status each", () => {
    expect(new Set(apiCodes.map((c) => c.code)).size).toBe(apiCodes.length);
    expect(new Set(apiCodes.map((c) => c.reason)).size).toBe(apiCodes.length);
    expect(apiCodes.filter((c) => c.status < 400 || c.status > 599)).toEqual([]);
  });
});
