import { describe, expect, it } from "vitest";
import { KubeExecError, describeConnectError, exitCodeOf } from "./kube-exec.js";

describe("exitCodeOf", () => {
  it("reads v4 statuses", () => {
    expect(exitCodeOf({ status: "Success" })).toBe(0);
    expect(exitCodeOf({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "3" }] } })).toBe(3);
    expect(exitCodeOf({ status: "Failure", message: "container not running" })).toBeUndefined();
  });
});

describe("describeConnectError", () => {
  const where = "exec in pod dev/web-1 (container web)";
  it.each([
    [400, "exec in pod dev/web-1 (container web): the cluster refused the exec (400); is the container running?", true],
    [401, "exec in pod dev/web-1 (container web): not authenticated (401); check the kubeconfig's credentials", false],
    [403, "exec in pod dev/web-1 (container web): not allowed to exec (403); the user needs create on pods/exec", false],
    [404, "exec in pod dev/web-1 (container web): pod not found (404)", true],
    [500, "exec in pod dev/web-1 (container web): the cluster answered 500", true],
  ])("words HTTP %i without a dump", (status, message, transient) => {
    const err = describeConnectError(where, new Error(`Unexpected server response: ${status}`));
    expect(err).toBeInstanceOf(KubeExecError);
    expect(err.message).toBe(message);
    expect(err.transient).toBe(transient);
    expect(err.status).toBe(status);
  });
  it("words an unreachable cluster", () => {
    expect(describeConnectError(where, { message: "connect ECONNREFUSED 127.0.0.1:6443" }).message).toBe(
      "exec in pod dev/web-1 (container web): cannot reach the cluster (connect ECONNREFUSED 127.0.0.1:6443)",
    );
  });
});
