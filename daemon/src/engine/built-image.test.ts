import { describe, expect, it } from "vitest";
import type { KubeManifest } from "../translate/types.js";
import { builtUnitHash, withBuiltImage } from "./built-image.js";

const deployment: KubeManifest = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", annotations: { "devloop.dev/input-hash": "base" } },
  spec: { template: { spec: { initContainers: [{ name: "init", image: "shop-web:devloop" }], containers: [{ name: "web", image: "shop-web:devloop" }, { name: "side", image: "busybox" }] } } },
};

describe("built image", () => {
  it("mixes the built reference into the unit hash, and leaves services without one alone", () => {
    expect(builtUnitHash("abc", undefined)).toBe("abc");
    expect(builtUnitHash("abc", "shop-web:dl-1")).toMatch(/^[0-9a-f]{16}$/);
    expect(builtUnitHash("abc", "shop-web:dl-1")).not.toBe(builtUnitHash("abc", "shop-web:dl-2"));
  });

  it("swaps the expected image for the built reference in pod templates and stamps the hash", () => {
    const [out] = withBuiltImage([deployment, { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [] } }], "shop-web:devloop", "shop-web:dl-1", "h1");
    const spec = (out!["spec"] as { template: { spec: { containers: { image: string }[]; initContainers: { image: string }[] } } }).template.spec;
    expect(spec.containers.map((c) => c.image)).toEqual(["shop-web:dl-1", "busybox"]);
    expect(spec.initContainers.map((c) => c.image)).toEqual(["shop-web:dl-1"]);
    expect(out!.metadata.annotations?.["devloop.dev/input-hash"]).toBe("h1");
    // The input is not mutated.
    expect((deployment["spec"] as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image).toBe("shop-web:devloop");
  });
});
