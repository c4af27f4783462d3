import { describe, expect, it } from "vitest";
import type { KubeManifest } from "../../../daemon/src/translate/types.js";
import { dryRunReport, plannedChange } from "./up-dry-run.js";
import { toLoadOptions } from "../compose-options.js";
import { stopGraceSeconds, waitTimeoutMs } from "./up.js";

const manifest = (kind: string, name: string, hash?: string): KubeManifest => ({ apiVersion: "v1", kind, metadata: { name, ...(hash === undefined ? {} : { annotations: { "devloop.dev/input-hash": hash } }) } });

describe("up --dry-run", () => {
  it("create when absent, unchanged on the same input hash, update on another, apply without one", () => {
    expect(plannedChange(manifest("Deployment", "web", "a"), { exists: false })).toBe("create");
    expect(plannedChange(manifest("Deployment", "web", "a"), { exists: true, inputHash: "a" })).toBe("unchanged");
    expect(plannedChange(manifest("Deployment", "web", "b"), { exists: true, inputHash: "a" })).toBe("update");
    expect(plannedChange(manifest("Namespace", "shop"), { exists: true, inputHash: "" })).toBe("apply");
  });

  it("reports each object, the notes and a summary", () => {
    const text = dryRunReport("shop-me", [manifest("Namespace", "shop-me"), manifest("Deployment", "web", "a"), manifest("Deployment", "api", "b")], [{ exists: false }, { exists: true, inputHash: "a" }, { exists: true, inputHash: "c" }], ["api: image built at apply"]);
    expect(text).toBe(
      "dry run: namespace shop-me; nothing applied, nothing built\ncreate    Namespace/shop-me\nunchanged Deployment/web\nupdate    Deployment/api\nnote: api: image built at apply\n1 to create, 1 to update, 1 to leave unchanged\n",
    );
  });
});

describe("up --wait-timeout and -t/--timeout", () => {
  it("--wait-timeout bounds the wait (default 600 s); --timeout does not", () => {
    expect(waitTimeoutMs({ waitTimeout: "30" })).toBe(30_000);
    expect(waitTimeoutMs({})).toBe(600_000);
  });

  it("--timeout is Compose's shutdown timeout: whole seconds, 0 or more, for every service's stop_grace_period", () => {
    expect(stopGraceSeconds({})).toBeUndefined();
    expect(stopGraceSeconds({ timeout: "0" })).toBe(0);
    expect(stopGraceSeconds({ timeout: "10" })).toBe(10);
    expect(toLoadOptions({ file: [], profile: [], envFile: [], stopGracePeriod: 10 }, []).stopGracePeriod).toBe(10);
    expect(toLoadOptions({ file: [], profile: [], envFile: [] }, [])).not.toHaveProperty("stopGracePeriod");
  });

  it("a bad number is a user error naming the flag", () => {
    expect(() => waitTimeoutMs({ waitTimeout: "soon" })).toThrow('--wait-timeout expects seconds (a positive number); got "soon"');
    expect(() => stopGraceSeconds({ timeout: "1.5" })).toThrow('--timeout expects whole seconds (0 or more), the shutdown timeout of the pods up replaces; got "1.5" (the wait for ready is bounded by --wait-timeout)');
    expect(() => stopGraceSeconds({ timeout: "-1" })).toThrow("--timeout expects whole seconds");
  });
});
