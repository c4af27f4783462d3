import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { supervised, supervisorName } from "../supervisor/supervisor.js";
import { bindContainerName, bindInitContainer, bindReadyFile, bindSignalDir, bindWaitProbe, bindWaitScript, sidecarBindContainer } from "../translate/bind-mounts.js";
import type { KubeManifest } from "../translate/types.js";
import { bindWaitImages, withBindWait } from "./bind-wait.js";

type Container = { name: string; image?: string; imagePullPolicy?: string; command?: string[]; args?: string[]; startupProbe?: unknown; volumeMounts?: { name: string; mountPath: string }[] };
type Spec = { containers: Container[]; initContainers?: Container[] };

const app = (extra: Partial<Container> = {}): Container => ({ name: "web", image: "shop-web:dl-1", volumeMounts: [{ name: "bind-0", mountPath: "/app" }], ...extra });
const init = (c: Container, name = bindContainerName): Container => {
  const made = bindInitContainer([{ service: "web", source: "/p", target: "/app", volumeName: "bind-0" }], c, {})!.container as Container;
  return { ...made, name };
};
const seed: Container = { name: "devloop-seed", image: "shop-web:dl-1" };
const deployment = (spec: Spec): KubeManifest => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { template: { spec } } });
const specOf = (m: KubeManifest | undefined): Spec => (m!["spec"] as { template: { spec: Spec } }).template.spec;

describe("bind wait at apply", () => {
  it("folds devloop-bind into an app container whose command translate wrote: the wait, then exec argv", () => {
    const web = app({ command: ["node"], args: ["/app/server.js"] });
    const spec = specOf(withBindWait([deployment({ initContainers: [seed, init(web)], containers: [web] })])[0]);
    expect(spec.initContainers?.map((c) => c.name)).toEqual(["devloop-seed"]);
    const c = spec.containers[0]!;
    expect(c.command).toEqual(["/bin/sh", "-c", bindWaitScript, bindContainerName]);
    expect(c.args).toEqual(["node", "/app/server.js"]);
    expect(c.startupProbe).toEqual(bindWaitProbe);
    expect(c.volumeMounts).toEqual([{ name: "bind-0", mountPath: "/app" }, { name: "devloop-bind-signal", mountPath: bindSignalDir }]);
  });

  it("takes the built image's ENTRYPOINT + (args, else CMD), and keeps the init container when the image is not known", () => {
    const images = { "shop-web:dl-1": { entrypoint: ["docker-entrypoint.sh"], cmd: ["node", "server.js"] } };
    const bare = app();
    expect(specOf(withBindWait([deployment({ initContainers: [init(bare)], containers: [bare] })], images)[0]).containers[0]!.args).toEqual(["docker-entrypoint.sh", "node", "server.js"]);
    const withArgs = app({ args: ["npm", "start"] });
    expect(specOf(withBindWait([deployment({ initContainers: [init(withArgs)], containers: [withArgs] })], images)[0]).containers[0]!.args).toEqual(["docker-entrypoint.sh", "npm", "start"]);
    // An image devloop did not build (or whose command it has not): today's init container stays.
    const unknown = deployment({ initContainers: [init(bare)], containers: [bare] });
    expect(withBindWait([unknown])[0]).toBe(unknown);
    const empty = { "shop-web:dl-1": { entrypoint: [], cmd: [] } };
    expect(withBindWait([unknown], empty)[0]).toBe(unknown);
  });

  it("puts the wait into the supervisor's own script: one shell", () => {
    const web = app({ ...supervised(["node", "/app/server.js"]) });
    const c = specOf(withBindWait([deployment({ initContainers: [init(web)], containers: [web] })])[0]).containers[0]!;
    expect(c.command?.[3]).toBe(supervisorName);
    expect(c.command?.[2]).toContain(`until [ -e ${bindReadyFile} ]`);
    expect(c.args).toEqual(["node", "/app/server.js"]);
  });

  it("keeps the init container when another container mounts the binds (volumes_from), and folds a sidecar's own", () => {
    const web = app({ command: ["node"] });
    const worker: Container = { name: "worker", image: "busybox", command: ["sh"], volumeMounts: [{ name: "bind-0", mountPath: "/app" }] };
    const shared = deployment({ initContainers: [init(web)], containers: [web, worker] });
    expect(withBindWait([shared])[0]).toBe(shared);
    const side: Container = { name: "proxy", image: "proxy:1", command: ["proxy"], volumeMounts: [{ name: "bind-0-abc", mountPath: "/conf" }] };
    const sideInit: Container = { name: sidecarBindContainer("proxy"), image: "proxy:1", command: ["/bin/sh"], volumeMounts: [{ name: "bind-0-abc", mountPath: "/conf" }, { name: "devloop-bind-signal-abc", mountPath: bindSignalDir }] };
    const spec = specOf(withBindWait([deployment({ initContainers: [init(web), sideInit], containers: [web, side] })])[0]);
    expect(spec.initContainers).toBeUndefined();
    expect(spec.containers.map((c) => c.args)).toEqual([["node"], ["proxy"]]);
    expect(spec.containers[1]!.volumeMounts?.[1]).toEqual({ name: "devloop-bind-signal-abc", mountPath: bindSignalDir });
  });

  it("names the images whose ENTRYPOINT/CMD the shared engine would have to tell: no command, not known, a pinned tag", () => {
    const bare = (image: string, extra: Partial<Container> = {}): KubeManifest => {
      const c = app({ image, ...extra });
      return deployment({ initContainers: [init(c)], containers: [c] });
    };
    expect(bindWaitImages([bare("node:20"), bare("shop-web:dl-1")], { "shop-web:dl-1": { entrypoint: [], cmd: ["node"] } })).toEqual(["node:20"]);
    expect(bindWaitImages([bare("node:20", { command: ["node"] })], {})).toEqual([]);
    expect(bindWaitImages([bare("node"), bare("node:latest"), bare("node:20", { imagePullPolicy: "Always" })], {})).toEqual([]);
    expect(bindWaitImages([bare("registry:5000/node@sha256:abc")], {})).toEqual(["registry:5000/node@sha256:abc"]);
  });

  it("leaves manifests without devloop-bind alone, and folds a bare Pod too", () => {
    const plain = deployment({ containers: [app({ command: ["node"] })] });
    expect(withBindWait([plain])[0]).toBe(plain);
    const web = app({ command: ["node"] });
    const pod: KubeManifest = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { initContainers: [init(web)], containers: [web] } };
    expect(((withBindWait([pod])[0]!["spec"]) as Spec).initContainers).toBeUndefined();
  });
});

describe("the wait script in a real sh", () => {
  let dir = "";
  beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), "devloop-bind-wait-")); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  const run = (script: string, argv: string[]): { done: Promise<{ code: number | null; out: string; ms: number }>; kill: () => void } => {
    const started = Date.now();
    const child = spawn("/bin/sh", ["-c", script.replaceAll(bindReadyFile, path.join(dir, "ready")), bindContainerName, ...argv]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    return { done: new Promise((resolve) => child.on("exit", (code) => resolve({ code, out, ms: Date.now() - started }))), kill: () => child.kill("SIGTERM") };
  };

  it("waits for the ready file, then execs argv with its arguments as they are", async () => {
    const r = run(bindWaitScript, ["sh", "-c", 'echo "$1|$2"', "x", "a b", "$(c)"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writeFile(path.join(dir, "ready"), "");
    const { code, out, ms } = await r.done;
    expect(code).toBe(0);
    expect(out).toBe("a b|$(c)\n");
    expect(ms).toBeGreaterThanOrEqual(300);
  });

  it("does not wait again once the file exists (a restarted container), and ends at once on SIGTERM while waiting", async () => {
    await writeFile(path.join(dir, "ready"), "");
    const again = await run(bindWaitScript, ["true"]).done;
    expect(again.code).toBe(0);
    expect(again.ms).toBeLessThan(1_000);
    await rm(path.join(dir, "ready"));
    const waiting = run(bindWaitScript, ["true"]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    waiting.kill();
    const ended = await waiting.done;
    expect(ended.code).toBe(143);
    expect(ended.ms).toBeLessThan(1_500);
  });
});
