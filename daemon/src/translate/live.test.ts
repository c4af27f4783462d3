import { describe, expect, it } from "vitest";
import type { CompilerPreset } from "../compile/compiler-preset.js";
import type { ServiceSpec, WatchRuleSpec } from "../compose/types.js";
import { runDir, runVolume, superviseImageCommandAnnotation, supervised } from "../supervisor/supervisor.js";
import { toManifests } from "./index.js";
import { seedDirectories, seedScript } from "./live.js";
import { project, service } from "../compose/test-project.js";
import type { KubeManifest, TranslateOptions } from "./types.js";

const rule = (action: WatchRuleSpec["action"], path: string, target?: string, extra: Partial<WatchRuleSpec> = {}): WatchRuleSpec => ({
  action,
  path,
  ...(target === undefined ? {} : { target }),
  ignore: [],
  include: [],
  initialSync: false,
  ...extra,
});
const withWatch = (name: string, watch: readonly WatchRuleSpec[], overrides: Partial<ServiceSpec> = {}): ServiceSpec => service(name, { develop: { watch }, ...overrides });

const go: CompilerPreset = { name: "go", image: "golang:1.22", command: ["go", "build"], workdir: "/src", output: "/out/app", env: {}, cache: [] };

const translate = (services: readonly ServiceSpec[], options: Partial<TranslateOptions> = {}) =>
  toManifests(project(services), { namespace: "ns", compilerPresets: { go }, ...options });

const podSpec = (manifests: readonly KubeManifest[], name: string): Record<string, unknown> => {
  const d = manifests.find((m) => m.kind === "Deployment" && m.metadata.name === name) as { spec: { template: { spec: Record<string, unknown> } } } | undefined;
  if (!d) throw new Error(`no Deployment/${name}`);
  return d.spec.template.spec;
};
const template = (manifests: readonly KubeManifest[], name: string): { metadata: { annotations?: Record<string, string> } } =>
  (manifests.find((m) => m.kind === "Deployment" && m.metadata.name === name) as unknown as { spec: { template: { metadata: { annotations?: Record<string, string> } } } }).spec.template;

describe("live spec", () => {
  it("lists only services with watch rules or a compile spec", () => {
    const result = translate([withWatch("web", [rule("sync", "/src/shop/src", "/app/src")]), service("db")]);
    expect(Object.keys(result.live)).toEqual(["web"]);
    expect(result.live["web"]).toMatchObject({ service: "web", container: "web", restart: "none", seededDirs: ["/app/src"] });
  });

  it("a directory rule syncs the directory; a file rule syncs one file between the parents", () => {
    const result = translate([withWatch("web", [rule("sync", "/src/shop/src", "/app/src/"), rule("sync+exec", "/src/shop/package.json", "/app/package.json", { exec: { command: ["npm", "i"], environment: {} } })])], {
      watchFiles: ["/src/shop/package.json"],
    });
    const [dir, file] = result.live["web"]?.rules ?? [];
    expect(dir).toEqual({ id: "web:watch[0]", action: "sync", path: "/src/shop/src", localRoot: "/src/shop/src", targetDir: "/app/src", ignore: [], include: [], initialSync: false });
    expect(file).toMatchObject({ id: "web:watch[1]", localRoot: "/src/shop", targetDir: "/app", only: "package.json", exec: { command: ["npm", "i"], environment: {} } });
  });

  it("drops a file rule whose target renames the file, with a warning at the rule's target", () => {
    const result = translate([withWatch("web", [rule("sync", "/src/shop/a.json", "/app/b.json")])], { watchFiles: ["/src/shop/a.json"] });
    expect(result.live).toEqual({});
    expect(result.warnings).toMatchObject([{ code: "DL-TRANSLATE-016", severity: "warning", path: "services.web.develop.watch[0].target", got: "/app/b.json" }]);
  });

  it("warns that exec.privileged is not honoured", () => {
    const result = translate([withWatch("web", [rule("sync+exec", "/src/shop/src", "/app/src", { exec: { command: ["x"], privileged: true, environment: {} } })])]);
    expect(result.warnings.map((d) => [d.code, d.path])).toEqual([["DL-TRANSLATE-001", "services.web.develop.watch[0].exec.privileged"]]);
    expect(result.live["web"]?.rules[0]?.exec).toEqual({ command: ["x"], environment: {} });
  });

  it("names the build context of a rule inside it", () => {
    const web = withWatch("web", [rule("sync", "/src/shop/web/src", "/app/src"), rule("sync", "/src/shop/shared", "/app/shared")], {
      build: { context: "/src/shop/web", dockerfile: "Dockerfile", args: {}, labels: {} } as NonNullable<ServiceSpec["build"]>,
    });
    const rules = translate([web]).live["web"]?.rules ?? [];
    expect(rules.map((r) => r.contextDir)).toEqual(["/src/shop/web", undefined]);
  });
});

describe("seeded emptyDirs", () => {
  it("keeps the outermost directories only", () => {
    expect(seedDirectories(["/app/src", "/app", "/app/src/lib", "/opt/x/", "/opt/xy"])).toEqual(["/app", "/opt/x", "/opt/xy"]);
  });

  it("quotes paths for sh", () => {
    expect(seedScript([{ dir: "/opt/it's here", volume: "devloop-sync-0" }])).toContain(`if [ -d '/opt/it'\\''s here' ]; then cp -Rp '/opt/it'\\''s here'/. '/.devloop-seed/0'/`);
  });

  it("mounts one emptyDir per directory and seeds them from the image in one first init container", () => {
    const web = withWatch("web", [rule("sync", "/src/shop/src", "/app/src"), rule("sync", "/src/shop/package.json", "/app/package.json"), rule("sync", "/src/shop/assets", "/srv/assets")], {
      user: "1000",
      deploy: { resources: { limits: { cpus: 0.5, memory: 16 * 1024 ** 2 } }, labels: {} },
    });
    const result = translate([web], { watchFiles: ["/src/shop/package.json"] });
    expect(result.live["web"]?.seededDirs).toEqual(["/app", "/srv/assets"]);
    const spec = podSpec(result.manifests, "web");
    expect(spec["volumes"]).toEqual([
      { name: "devloop-sync-0", emptyDir: {} },
      { name: "devloop-sync-1", emptyDir: {} },
    ]);
    const [seed, ...others] = spec["initContainers"] as Record<string, unknown>[];
    expect(others).toEqual([]);
    expect(seed).toMatchObject({
      name: "devloop-seed",
      image: "web:1",
      securityContext: { runAsUser: 1000 },
      // requests never above the app's limits
      resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "500m", memory: "16Mi" } },
      volumeMounts: [
        { name: "devloop-sync-0", mountPath: "/.devloop-seed/0" },
        { name: "devloop-sync-1", mountPath: "/.devloop-seed/1" },
      ],
    });
    const app = (spec["containers"] as Record<string, unknown>[])[0];
    expect(app?.["volumeMounts"]).toEqual([
      { name: "devloop-sync-0", mountPath: "/app" },
      { name: "devloop-sync-1", mountPath: "/srv/assets" },
    ]);
  });

  it("gives a directory a bind mount already covers no volume of its own, but still counts it as seeded", () => {
    const web = withWatch("web", [rule("sync", "/src/shop/src", "/app/src")], {
      volumes: [{ type: "bind", source: "/src/shop/src", target: "/app/src", readOnly: false } as ServiceSpec["volumes"][number]],
    });
    const result = translate([web]);
    expect(result.live["web"]?.seededDirs).toEqual(["/app/src"]);
    // The bind's emptyDir is not seeded from the image (a bind hides it); the watch rule fills it before the app starts.
    expect(result.live["web"]?.binds).toEqual(["web:watch[0]"]);
    expect((podSpec(result.manifests, "web")["initContainers"] as { name: string }[]).map((c) => c.name)).toEqual(["devloop-bind"]);
  });
});

describe("restart kinds and the supervisor", () => {
  it("wraps a known command line (entrypoint + command) in the supervisor, with its memory run dir", () => {
    const api = withWatch("api", [rule("sync+restart", "/src/shop/src", "/app/src")], { entrypoint: ["node"], command: ["server.js", "$(HOME)"] });
    const result = translate([api]);
    expect(result.live["api"]?.restart).toBe("process");
    const spec = podSpec(result.manifests, "api");
    const app = (spec["containers"] as Record<string, unknown>[])[0];
    expect(app).toMatchObject(supervised(["node", "server.js", "$$(HOME)"]));
    expect(spec["volumes"]).toContainEqual({ name: runVolume, emptyDir: { medium: "Memory", sizeLimit: "1Mi" } });
    expect(app?.["volumeMounts"]).toContainEqual({ name: runVolume, mountPath: runDir });
  });

  it("wraps the command alone when the entrypoint is reset", () => {
    const app = (podSpec(translate([withWatch("w", [rule("restart", "/src/shop/c")], { entrypoint: [], command: ["run"] })]).manifests, "w")["containers"] as Record<string, unknown>[])[0];
    expect(app).toMatchObject(supervised(["run"]));
  });

  it("marks the pod template of a built service without entrypoint for the engine", () => {
    const worker = withWatch("worker", [rule("restart", "/src/shop/conf")], {
      build: { context: "/src/shop/worker", dockerfile: "Dockerfile", args: {}, labels: {} } as NonNullable<ServiceSpec["build"]>,
      command: ["--verbose"],
    });
    const result = translate([worker]);
    expect(result.live["worker"]?.restart).toBe("process");
    expect(template(result.manifests, "worker").metadata.annotations).toMatchObject({ [superviseImageCommandAnnotation]: "true" });
    const app = (podSpec(result.manifests, "worker")["containers"] as Record<string, unknown>[])[0];
    expect(app?.["command"]).toBeUndefined();
    expect(app?.["args"]).toEqual(["--verbose"]);
    expect(app?.["volumeMounts"]).toContainEqual({ name: runVolume, mountPath: runDir });
  });

  it("replaces the pod of an image-only service without entrypoint", () => {
    const result = translate([withWatch("cache", [rule("restart", "/src/shop/conf")])]);
    expect(result.live["cache"]?.restart).toBe("pod");
    const spec = podSpec(result.manifests, "cache");
    expect(spec["volumes"]).toBeUndefined();
    expect(template(result.manifests, "cache").metadata.annotations).toBeUndefined();
  });

  it("names the fields develop became in the translation view", () => {
    const result = translate([withWatch("api", [rule("sync+restart", "/src/shop/src", "/app/src")], { entrypoint: ["node"] })]);
    expect(result.translation.find((t) => t.composePath === "services.api.develop")?.kubeFields).toEqual([
      "Deployment/api spec.template.spec.initContainers[devloop-seed]",
      "Deployment/api spec.template.spec.volumes[].emptyDir",
      "Deployment/api spec.template.spec.containers[0].volumeMounts",
      "Deployment/api spec.template.spec.containers[0].command",
      "Deployment/api spec.template.spec.containers[0].args",
      "live sync",
    ]);
  });

  it("has no restart for sync-only rules", () => {
    const result = translate([withWatch("web", [rule("sync", "/src/shop/src", "/app/src")], { entrypoint: ["node"] })]);
    expect(result.live["web"]?.restart).toBe("none");
    expect((podSpec(result.manifests, "web")["containers"] as Record<string, unknown>[])[0]?.["command"]).toEqual(["node"]);
  });
});

describe("x-devloop.compile", () => {
  const compiled = (compile: unknown, overrides: Partial<ServiceSpec> = {}): ServiceSpec =>
    service("api", { extensions: { "x-devloop": { compile } }, entrypoint: ["/app/api"], ...overrides });

  it("resolves the spec with the presets, seeds the target's directory and restarts the process", () => {
    const result = translate([compiled({ preset: "go", source: "./api", target: "/app/api" })]);
    expect(result.warnings).toEqual([]);
    expect(result.live["api"]).toMatchObject({
      rules: [],
      restart: "process",
      seededDirs: ["/app"],
      compile: { preset: "go", image: "golang:1.22", output: "/out/app", target: "/app/api", source: "/src/shop/api" },
    });
  });

  it("reports a bad spec as errors, and leaves the service out of live", () => {
    const result = translate([compiled({ preset: "rust", target: "app" })]);
    expect(result.live).toEqual({});
    expect(result.warnings.map((d) => [d.code, d.severity, d.path])).toEqual(
      expect.arrayContaining([
        ["DL-BUILD-003", "error", "services.api.x-devloop.compile.preset"],
        ["DL-BUILD-004", "error", "services.api.x-devloop.compile.target"],
      ]),
    );
  });

  it("knows no preset when none are passed in", () => {
    const result = toManifests(project([compiled({ preset: "go", source: "./api", target: "/app/api" })]), { namespace: "ns" });
    expect(result.warnings.map((d) => d.code)).toContain("DL-BUILD-003");
  });
});
