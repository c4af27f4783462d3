import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNodeDiskVolumes, defaultKubeletRoot, diskEmptyDirAt, kubeletRootOf } from "./node-disk-volumes.js";

const uid = "0c2f6d1e-5b0a-4c49-9d1e-2f7a3b6c8d90";
const podOf = (volumes: V1Pod["spec"] extends infer S ? (S extends { volumes?: infer V } ? V : never) : never, mounts: { name: string; mountPath: string; subPath?: string }[]): V1Pod => ({
  metadata: { name: "web-1", uid },
  spec: { containers: [{ name: "web", volumeMounts: mounts }], volumes },
});
const pod = { namespace: "ns", pod: "web-1", container: "web" };

describe("kubeletRootOf", () => {
  it("reads a kubelet's --root-dir, either form, else the default; other processes have none", () => {
    expect(kubeletRootOf(["/opt/bin/kubelet", "--config=x", "--root-dir=/var/lib/devloop/kubelet"])).toBe("/var/lib/devloop/kubelet");
    expect(kubeletRootOf(["kubelet", "--root-dir", "/srv/k"])).toBe("/srv/k");
    expect(kubeletRootOf(["/usr/bin/kubelet", "--v=2"])).toBe(defaultKubeletRoot);
    expect(kubeletRootOf(["/usr/bin/kube-apiserver", "--root-dir=/x"])).toBeUndefined();
  });
});

describe("diskEmptyDirAt", () => {
  it("names a plain emptyDir mounted whole at the target; not a memory one, a sub-path, another kind or another target", () => {
    const p = podOf([{ name: "src", emptyDir: {} }, { name: "mem", emptyDir: { medium: "Memory" } }, { name: "cfg", configMap: { name: "c" } }],
      [{ name: "src", mountPath: "/app/" }, { name: "mem", mountPath: "/m" }, { name: "src", mountPath: "/sub", subPath: "x" }, { name: "cfg", mountPath: "/cfg" }]);
    expect(diskEmptyDirAt(p, "web", "/app")).toBe("src");
    expect(diskEmptyDirAt(p, "web", "/m")).toBeUndefined();
    expect(diskEmptyDirAt(p, "web", "/sub")).toBeUndefined();
    expect(diskEmptyDirAt(p, "web", "/cfg")).toBeUndefined();
    expect(diskEmptyDirAt(p, "web", "/other")).toBeUndefined();
    expect(diskEmptyDirAt(p, "sidecar", "/app")).toBeUndefined();
  });
});

describe("createNodeDiskVolumes", () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(path.join(tmpdir(), "devloop-kubelet-")); });
  afterEach(() => { rmSync(root, { recursive: true, force: true }); });
  const p = podOf([{ name: "src", emptyDir: {} }], [{ name: "src", mountPath: "/app" }]);
  const volumes = (over: Partial<Parameters<typeof createNodeDiskVolumes>[0]> = {}) =>
    createNodeDiskVolumes({ readPod: () => Promise.resolve(p), roots: () => [path.join(root, "other"), root], pollMs: 5, privileged: true, ...over });
  const setUp = (): string => {
    const dir = path.join(root, "pods", uid, "volumes", "kubernetes.io~empty-dir", "src");
    mkdirSync(dir, { recursive: true });
    mkdirSync(path.join(root, "pods", uid, "plugins", "kubernetes.io~empty-dir", "src"), { recursive: true });
    writeFileSync(path.join(root, "pods", uid, "plugins", "kubernetes.io~empty-dir", "src", "ready"), "");
    return dir;
  };

  it("finds the volume once the kubelet's ready marker is there, under the root that holds the pod, with its inode", async () => {
    const found = volumes().find(pod, ["/app"], new AbortController().signal);
    await new Promise((r) => setTimeout(r, 30));
    const dir = setUp();
    const got = await found;
    expect(got?.get("/app")).toEqual({ dir, inode: lstatSync(dir).ino });
  });

  it("gives up when aborted, after a last look; never for an unprivileged daemon or a volume that is not a disk emptyDir", async () => {
    const abort = new AbortController();
    const found = volumes().find(pod, ["/app"], abort.signal);
    await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    expect(await found).toBeUndefined();
    setUp();
    const late = new AbortController();
    late.abort();
    expect((await volumes().find(pod, ["/app"], late.signal))?.size).toBe(1);
    expect(volumes({ privileged: false }).here()).toBe(false);
    expect(await volumes({ privileged: false }).find(pod, ["/app"], new AbortController().signal)).toBeUndefined();
    expect(await volumes().find(pod, ["/elsewhere"], new AbortController().signal)).toBeUndefined();
    expect(volumes({ roots: () => [] }).here()).toBe(false);
  });

  it("chown gives the tree to the user without following a symlink out of it", async () => {
    if (process.getuid?.() !== 0) return;
    const dir = setUp();
    const outside = path.join(root, "outside");
    writeFileSync(outside, "x");
    mkdirSync(path.join(dir, "a/b"), { recursive: true });
    writeFileSync(path.join(dir, "a/b/f"), "f");
    symlinkSync(outside, path.join(dir, "a/link"));
    await volumes().chown(dir, 1234, 2345);
    for (const rel of ["", "a", "a/b", "a/b/f", "a/link"]) {
      const st = lstatSync(path.join(dir, rel));
      expect([st.uid, st.gid], rel).toEqual([1234, 2345]);
    }
    expect(lstatSync(outside).uid).toBe(0);
  });
});
