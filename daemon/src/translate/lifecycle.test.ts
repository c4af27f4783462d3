import { describe, expect, it } from "vitest";
import { createContext } from "./context.js";
import { toLifecycle } from "./lifecycle.js";
import { planShmVolume } from "./shm-volume.js";
import { project, service } from "../compose/test-project.js";
import { createVolumeNameAllocator } from "./volume-names.js";

const contextFor = (s: ReturnType<typeof service>) => createContext(project([s]), { namespace: "t" }, { workloadNames: new Map(), serviceNames: new Map() });

describe("post_start / pre_stop → lifecycle", () => {
  it("one hook is an exec of its argv, unescaped (Kubernetes does not expand $(VAR) in hooks)", () => {
    const s = service("api", { postStart: [{ command: ["./up", "$(HOME)"], environment: {} }], preStop: [{ command: ["./drain"], environment: {} }] });
    const ctx = contextFor(s);
    expect(toLifecycle(ctx, s)).toEqual({ postStart: { exec: { command: ["./up", "$(HOME)"] } }, preStop: { exec: { command: ["./drain"] } } });
    expect(ctx.diagnostics).toEqual([]);
  });
  it("several hooks run in order through /bin/sh, each word quoted, with a warning", () => {
    const s = service("api", { postStart: [{ command: ["touch", "/tmp/a b"], environment: {} }, { command: ["echo", "it's"], environment: {} }] });
    const ctx = contextFor(s);
    expect(toLifecycle(ctx, s)?.postStart?.exec.command).toEqual(["/bin/sh", "-c", "'touch' '/tmp/a b' && 'echo' 'it'\\''s'"]);
    expect(ctx.diagnostics.map((d) => [d.code, d.path])).toEqual([["DL-TRANSLATE-018", "services.api.post_start"]]);
  });
  it("reports the fields a Kubernetes hook cannot carry", () => {
    const s = service("api", { preStop: [{ command: ["./x"], user: "root", workingDir: "/srv", environment: { A: "1" } }] });
    const ctx = contextFor(s);
    expect(toLifecycle(ctx, s)).toEqual({ preStop: { exec: { command: ["./x"] } } });
    expect(ctx.diagnostics.map((d) => [d.code, d.path])).toEqual([["DL-TRANSLATE-017", "services.api.pre_stop[0]"]]);
    expect(ctx.diagnostics[0]?.message).toContain("user (root), working_dir (/srv), environment (A)");
  });
  it("no hooks → nothing", () => {
    const s = service("api");
    expect(toLifecycle(contextFor(s), s)).toBeUndefined();
  });
});

describe("shm_size → /dev/shm", () => {
  it("is a memory emptyDir with the size as sizeLimit", () => {
    expect(planShmVolume(service("db", { shmSize: 256 * 1024 ** 2 }), createVolumeNameAllocator(), [])).toEqual({
      volume: { name: "shm-dev-shm", emptyDir: { medium: "Memory", sizeLimit: "256Mi" } },
      mount: { name: "shm-dev-shm", mountPath: "/dev/shm" },
    });
  });
  it("yields to a volume the service mounts at /dev/shm itself", () => {
    expect(planShmVolume(service("db", { shmSize: 1024 ** 3 }), createVolumeNameAllocator(), ["/dev/shm/"])).toBeUndefined();
    expect(planShmVolume(service("db"), createVolumeNameAllocator(), [])).toBeUndefined();
  });
});
