import { describe, expect, it } from "vitest";
import type { KubeManifest } from "../translate/types.js";
import { superviseImageCommandAnnotation, supervised } from "../supervisor/supervisor.js";
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

  it("completes a marked template's supervised command from the image: ENTRYPOINT + compose command, else CMD", () => {
    const marked = (args?: string[]): KubeManifest => ({
      ...deployment,
      spec: { template: { metadata: { annotations: { [superviseImageCommandAnnotation]: "true" } }, spec: { containers: [{ name: "web", image: "shop-web:devloop", ...(args ? { args } : {}) }] } } },
    });
    const container = (m: KubeManifest | undefined): { command?: string[]; args?: string[] } =>
      (m!["spec"] as { template: { spec: { containers: { command?: string[]; args?: string[] }[] } } }).template.spec.containers[0]!;
    const image = { entrypoint: ["docker-entrypoint.sh"], cmd: ["node", "src/server.js"] };
    const fromImage = container(withBuiltImage([marked()], "shop-web:devloop", "shop-web:dl-1", "h", image)[0]);
    expect(fromImage.command).toEqual(supervised([]).command);
    expect(fromImage.args).toEqual(["docker-entrypoint.sh", "node", "src/server.js"]);
    expect(container(withBuiltImage([marked(["node", "other.js"])], "shop-web:devloop", "shop-web:dl-1", "h", image)[0]).args).toEqual(["docker-entrypoint.sh", "node", "other.js"]);
    // Unmarked templates keep their command line.
    expect(container(withBuiltImage([deployment], "shop-web:devloop", "shop-web:dl-1", "h", image)[0]).command).toBeUndefined();
  });
});
