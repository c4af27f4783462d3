/**
 * NodeVolumes on this machine's disk (ports/node-volumes.ts): a pod's emptyDir, when the kubelet that runs it runs
 * here, is the directory `<root-dir>/pods/<pod UID>/volumes/kubernetes.io~empty-dir/<volume>`, and the kubelet creates
 * `<root-dir>/pods/<UID>/plugins/kubernetes.io~empty-dir/<volume>/ready` once it has set it up, before any container
 * of the pod starts.
 *
 * Which root directories: those of the kubelet processes of this machine (`--root-dir`, read from /proc), and the
 * default /var/lib/kubelet. A pod's UID is random: a root holding a directory named by it is that pod's kubelet's. Only
 * when the daemon runs as root (the kubelet's directories are root's, and the tree must be given to the container's
 * user); a disk volume only (a memory one is a tmpfs mounted in the kubelet's mount namespace, which may not be ours).
 * The container's view is checked by the caller (the inode of its target).
 */
import { lchownSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import type { NodeVolume, NodeVolumes } from "../ports/node-volumes.js";
import type { SyncPod } from "../ports/syncer.js";

export const defaultKubeletRoot = "/var/lib/kubelet";

/** A kubelet's root directory from its argv (`--root-dir=X` or `--root-dir X`); undefined for another process. */
export const kubeletRootOf = (argv: readonly string[]): string | undefined => {
  if (path.basename(argv[0] ?? "") !== "kubelet") return undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg.startsWith("--root-dir=")) return arg.slice("--root-dir=".length);
    if (arg === "--root-dir" && argv[i + 1] !== undefined) return argv[i + 1];
  }
  return defaultKubeletRoot;
};

/**
 * The name of the plain emptyDir (no medium) mounted whole (no subPath) at `target` in the pod's container or init
 * container of that name; undefined when there is none.
 */
export const diskEmptyDirAt = (pod: V1Pod, container: string, target: string): string | undefined => {
  const spec = pod.spec;
  const c = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].find((x) => x.name === container);
  const clean = (p: string): string => path.posix.normalize(p).replace(/(.)\/$/, "$1");
  const mount = c?.volumeMounts?.find((m) => clean(m.mountPath) === clean(target));
  if (mount === undefined || (mount.subPath ?? "") !== "" || (mount.subPathExpr ?? "") !== "") return undefined;
  const volume = spec?.volumes?.find((v) => v.name === mount.name);
  if (volume?.emptyDir === undefined || (volume.emptyDir.medium ?? "") !== "") return undefined;
  // A DNS label, as the apiserver checks it: a path component, never `..`.
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(volume.name) ? volume.name : undefined;
};

/** The kubelet root directories of this machine: its kubelets' and the default, those that exist. */
export const kubeletRootsHere = (): string[] => {
  const roots = new Set<string>();
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    // No /proc: no kubelet of this machine can be seen.
  }
  for (const pid of pids) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0");
      const root = kubeletRootOf(argv);
      if (root !== undefined) roots.add(path.resolve(root));
    } catch {
      // The process ended meanwhile.
    }
  }
  roots.add(defaultKubeletRoot);
  return [...roots].filter((r) => isDir(path.join(r, "pods")));
};

const isDir = (p: string): boolean => {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
};

const exists = (p: string): boolean => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

export interface NodeDiskVolumesParams {
  /** The pod as the apiserver has it (its UID and volumes). */
  readonly readPod: (pod: SyncPod) => Promise<V1Pod | undefined>;
  /** The kubelet roots to look in (default kubeletRootsHere, read again at most every 10 s). */
  readonly roots?: () => readonly string[];
  /** The pause between looks while the kubelet sets the volumes up. Default 20 ms. */
  readonly pollMs?: number;
  /** Whether this process may write there (default: it runs as root). */
  readonly privileged?: boolean;
}

export const createNodeDiskVolumes = (params: NodeDiskVolumesParams): NodeVolumes => {
  const pollMs = params.pollMs ?? 20;
  const privileged = params.privileged ?? process.getuid?.() === 0;
  let cached: { at: number; roots: readonly string[] } | undefined;
  const roots = params.roots ?? ((): readonly string[] => {
    const now = Date.now();
    if (cached === undefined || now - cached.at > 10_000) cached = { at: now, roots: kubeletRootsHere() };
    return cached.roots;
  });

  /** The volumes' directories under the root that holds the pod, once all are set up; undefined until then. */
  const look = (uid: string, volumes: ReadonlyMap<string, string>): Map<string, NodeVolume> | undefined => {
    for (const root of roots()) {
      const podDir = path.join(root, "pods", uid);
      if (!isDir(podDir)) continue;
      const found = new Map<string, NodeVolume>();
      for (const [target, volume] of volumes) {
        if (!exists(path.join(podDir, "plugins", "kubernetes.io~empty-dir", volume, "ready"))) return undefined;
        const dir = path.join(podDir, "volumes", "kubernetes.io~empty-dir", volume);
        const st = lstatSync(dir, { throwIfNoEntry: false });
        if (st?.isDirectory() !== true) return undefined;
        found.set(target, { dir, inode: st.ino });
      }
      return found;
    }
    return undefined;
  };

  const here = (): boolean => privileged && roots().length > 0;
  return {
    here,
    async find(pod, targetDirs, signal) {
      if (targetDirs.length === 0 || !here()) return undefined;
      const spec = await params.readPod(pod).catch(() => undefined);
      const uid = spec?.metadata?.uid;
      if (spec === undefined || uid === undefined || !/^[0-9a-f-]+$/i.test(uid)) return undefined;
      const volumes = new Map<string, string>();
      for (const target of targetDirs) {
        const name = diskEmptyDirAt(spec, pod.container, target);
        if (name === undefined) return undefined;
        volumes.set(target, name);
      }
      for (;;) {
        const found = look(uid, volumes);
        if (found !== undefined || signal.aborted) return found;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, pollMs);
          function done(): void { clearTimeout(timer); signal.removeEventListener("abort", done); resolve(); }
          signal.addEventListener("abort", done);
        });
      }
    },
    async chown(dir, uid, gid) {
      // Synchronous calls, a turn of the event loop every 512 paths (as the local scan does).
      let n = 0;
      const walk = async (p: string, dir: boolean): Promise<void> => {
        lchownSync(p, uid, gid);
        if (++n % 512 === 0) await new Promise((r) => setImmediate(r));
        if (!dir) return;
        for (const e of readdirSync(p, { withFileTypes: true })) await walk(path.join(p, e.name), e.isDirectory());
      };
      await walk(dir, true);
    },
  };
};
