import { describe, expect, it } from "vitest";
import type { ServiceSpec } from "../compose/types.js";
import { toManifests } from "./index.js";
import { seedScript } from "./live.js";
import { project, service } from "../compose/test-project.js";
import type { KubeManifest } from "./types.js";

type Volume = ServiceSpec["volumes"][number];
const bind = (source: string, target: string, readOnly = false): Volume => ({ type: "bind", source, target, readOnly, createHostPath: true });
const anon = (target: string, nocopy = false): Volume => ({ type: "volume", target, readOnly: false, nocopy });
const named = (source: string, target: string, nocopy = false): Volume => ({ type: "volume", source, target, readOnly: false, nocopy });

const podSpec = (manifests: readonly KubeManifest[], name: string): { initContainers?: Record<string, unknown>[]; containers: Record<string, unknown>[]; volumes?: Record<string, unknown>[] } => {
  const d = manifests.find((m) => m.kind === "Deployment" && m.metadata.name === name) as unknown as { spec: { template: { spec: ReturnType<typeof podSpec> } } };
  return d.spec.template.spec;
};
const volumeProject = (volumes: readonly Volume[], extra: Partial<ServiceSpec> = {}) =>
  project([service("web", { volumes, ...extra })], {
    volumes: { data: { name: "shop_data", driverOpts: {}, external: false, labels: {}, extensions: {} } },
  });

describe("directory bind mounts (issue 10)", () => {
  it("hold the pod in a devloop-bind init container until devloop has put the tree, and sync edits with a live rule", () => {
    const result = toManifests(volumeProject([bind("/src/shop", "/code"), anon("/code/node_modules")]), { namespace: "ns" });
    const spec = podSpec(result.manifests, "web");
    const init = spec.initContainers?.find((c) => c["name"] === "devloop-bind");
    expect(init).toMatchObject({
      image: "web:1",
      volumeMounts: [
        { name: "sync-code", mountPath: "/code" },
        { name: "devloop-bind-signal", mountPath: "/.devloop-bind" },
      ],
    });
    expect((init?.["command"] as string[])[2]).toContain("until [ -e /.devloop-bind/ready ]");
    // The bind's emptyDir is not seeded from the image: a bind hides the image's content.
    expect(seedMounts(spec)).toEqual(["anon-code-node-modules"]);
    const live = result.live["web"];
    expect(live?.binds).toEqual(["web:bind[0]"]);
    // The anonymous volume over node_modules hides the host's copy, as under Docker.
    expect(live?.rules).toEqual([
      { id: "web:bind[0]", action: "sync", path: "/src/shop", localRoot: "/src/shop", targetDir: "/code", ignore: ["/node_modules/"], include: [], initialSync: true, pull: { hidden: ["node_modules"] } },
    ]);
  });

  it("brings the container's changes back unless the bind is read-only; a watch rule that fills a bind does too", () => {
    const watch = { action: "sync" as const, path: "/src/shop", target: "/code", ignore: [], include: [], initialSync: false };
    const result = toManifests(
      project([
        service("web", { volumes: [bind("/src/shop", "/code")], develop: { watch: [watch] } }),
        service("ro", { volumes: [bind("/src/shop/conf", "/etc/app", true)] }),
      ]),
      { namespace: "ns" },
    );
    expect(result.live["web"]?.rules[0]?.pull).toEqual({ hidden: [] });
    expect(result.live["ro"]?.rules[0]?.pull).toBeUndefined();
  });

  it("mounts nested binds outer first in the init container, each with its own rule", () => {
    const result = toManifests(volumeProject([bind("/src/shop/src", "/app/src"), bind("/src/shop", "/app")]), { namespace: "ns" });
    const init = podSpec(result.manifests, "web").initContainers?.find((c) => c["name"] === "devloop-bind");
    expect((init?.["volumeMounts"] as { mountPath: string }[]).map((m) => m.mountPath)).toEqual(["/app", "/app/src", "/.devloop-bind"]);
    expect(result.live["web"]?.rules.map((r) => [r.id, r.targetDir, r.ignore])).toEqual([
      ["web:bind[0]", "/app/src", []],
      ["web:bind[1]", "/app", ["/src/"]],
    ]);
  });

  it("lets a develop.watch sync rule of the same directory and target fill the bind instead of a second rule", () => {
    const watch = { action: "sync" as const, path: "/src/shop", target: "/code/", ignore: [], include: [], initialSync: false };
    const result = toManifests(volumeProject([bind("/src/shop", "/code")], { develop: { watch: [watch] } }), { namespace: "ns" });
    expect(result.live["web"]?.rules.map((r) => r.id)).toEqual(["web:watch[0]"]);
    expect(result.live["web"]?.binds).toEqual(["web:watch[0]"]);
  });

  it("a sidecar's binds wait in its own init container, renamed in the host's pod, and its live spec names it", () => {
    const result = toManifests(
      project([service("web"), service("agent", { networkMode: "service:web", volumes: [bind("/src/shop/agent", "/opt/agent")] })]),
      { namespace: "ns" },
    );
    const live = result.live["agent"];
    expect(live?.bindContainer).toBe(`devloop-bind-${live?.container ?? ""}`);
    const names = (podSpec(result.manifests, "web").initContainers ?? []).map((c) => c["name"]);
    expect(names).toContain(live?.bindContainer);
    expect(result.live["web"]).toBeUndefined();
  });

  it("gives a service without binds no devloop-bind container and no live spec", () => {
    const result = toManifests(volumeProject([anon("/cache", true)]), { namespace: "ns" });
    expect(podSpec(result.manifests, "web").initContainers).toBeUndefined();
    expect(result.live["web"]).toBeUndefined();
  });
});

const seedMounts = (spec: ReturnType<typeof podSpec>): string[] =>
  ((spec.initContainers?.find((c) => c["name"] === "devloop-seed")?.["volumeMounts"] ?? []) as { name: string }[]).map((m) => m.name);

describe("volumes seeded as Docker seeds them (issue 10)", () => {
  it("seeds anonymous and named volumes from the image, and not with nocopy", () => {
    const result = toManifests(volumeProject([anon("/code/node_modules"), named("data", "/var/lib/data"), anon("/tmp/x", true), named("data", "/srv/other", true)]), { namespace: "ns" });
    expect(seedMounts(podSpec(result.manifests, "web"))).toEqual(["anon-code-node-modules", "vol-data"]);
  });

  it("keeps the subPath of a named volume in the seed container", () => {
    const result = toManifests(volumeProject([{ type: "volume", source: "data", target: "/srv", readOnly: false, nocopy: false, subpath: "site" }]), { namespace: "ns" });
    const seed = podSpec(result.manifests, "web").initContainers?.find((c) => c["name"] === "devloop-seed");
    expect(seed?.["volumeMounts"]).toEqual([{ name: "vol-data", mountPath: "/.devloop-seed/0", subPath: "site" }]);
  });

  it("copies into an emptyDir each time, into a persistent volume only when empty and never seeded, leaving a marker", () => {
    const [anonLine, pvcLine] = seedScript([
      { dir: "/code/node_modules", volume: "a" },
      { dir: "/data", volume: "b", once: true },
    ]).split("\n");
    expect(anonLine).toBe(`if [ -d '/code/node_modules' ]; then cp -Rp '/code/node_modules'/. '/.devloop-seed/0'/ || echo 'devloop-seed: some files of /code/node_modules were not copied' >&2; fi`);
    expect(pvcLine).toContain(`[ ! -e '/.devloop-seed/1/.devloop-seeded' ]`);
    expect(pvcLine).toContain(`case "$(ls -A '/.devloop-seed/1')" in ""|lost+found)`);
    expect(pvcLine).toContain(`: > '/.devloop-seed/1/.devloop-seeded'`);
    // An image with nothing at the path leaves no marker (postgres refuses a data directory that is not empty).
    expect(pvcLine).toMatch(/^if \[ -d '\/data' \] && .* && \[ -n "\$\(ls -A '\/data'\)" \]; then/);
  });
});
