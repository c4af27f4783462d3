/**
 * Shared by the soak and fault benchmarks (issue 15): a throwaway project of N Node services, each with its source
 * directory bind-mounted over the image's (`./sN:/app`, as public compose files write it), served by a tiny HTTP server
 * that reads message.txt per request; a real daemon running it on the bed; a generator of mixed edits (create, modify,
 * delete, rename, mkdir); and the check that matters: each pod's /app equals the local tree, by sha256 per file and by
 * the set of directories.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDaemon, freePort, kube, type TestDaemon } from "../daemon/test/integration/daemon-support.js";
import { bedImages, execInPod, loadBedKubeConfig } from "../daemon/test/integration/helpers/index.js";

const SERVER = `const http = require("node:http");
const fs = require("node:fs");
http.createServer((req, res) => res.end(fs.readFileSync(__dirname + "/message.txt", "utf8"))).listen(3000);
`;

export interface Tree {
  readonly files: Map<string, string>;
  readonly dirs: Set<string>;
}

export interface TreeDiff {
  /** Local files the pod lacks. */
  readonly missing: string[];
  /** Files on both sides with different contents. */
  readonly wrong: string[];
  /** Files in the pod that are gone locally (a delete or rename not applied). */
  readonly extra: string[];
  readonly missingDirs: string[];
  readonly extraDirs: string[];
}

export const diffCount = (d: TreeDiff): number => d.missing.length + d.wrong.length + d.extra.length + d.missingDirs.length + d.extraDirs.length;

export const localTree = (root: string): Tree => {
  const files = new Map<string, string>();
  const dirs = new Set<string>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(root, rel))) {
      const r = rel === "" ? name : `${rel}/${name}`;
      if (statSync(path.join(root, r)).isDirectory()) {
        dirs.add(r);
        walk(r);
      } else files.set(r, createHash("sha256").update(readFileSync(path.join(root, r))).digest("hex"));
    }
  };
  walk("");
  return { files, dirs };
};

export const diffTrees = (want: Tree, have: Tree): TreeDiff => ({
  missing: [...want.files.keys()].filter((f) => !have.files.has(f)).sort(),
  wrong: [...want.files].filter(([f, h]) => have.files.has(f) && have.files.get(f) !== h).map(([f]) => f).sort(),
  extra: [...have.files.keys()].filter((f) => !want.files.has(f)).sort(),
  missingDirs: [...want.dirs].filter((d) => !have.dirs.has(d)).sort(),
  extraDirs: [...have.dirs].filter((d) => !want.dirs.has(d)).sort(),
});

export interface SoakProject {
  readonly dir: string;
  readonly services: readonly string[];
  readonly namespace: string;
  /** The published port of s0 (the HTTP answer through devloop's port-forward). */
  readonly port: number;
  readonly daemon: TestDaemon;
  up(): Promise<void>;
  /** The running (not terminating) pod of a service, or "" when none. */
  runningPod(service: string): Promise<string>;
  /** The pod's /app as a Tree; throws when there is no running pod or the exec fails. */
  podTree(service: string): Promise<Tree>;
  /** Diff of every service (pod vs local); a service whose pod cannot be read counts as `unreadable`. */
  compare(): Promise<{ diffs: Map<string, TreeDiff>; unreadable: string[] }>;
  answer(): Promise<string | undefined>;
  /** The daemon process's VmRSS in KiB (/proc/<pid>/status). */
  rss(): number;
  /**
   * VmRSS split (KiB): anonymous memory (heaps, JIT code) and file pages (the node binary and libraries paged in); of
   * the anonymous, `brk` is glibc's main heap (small mallocs; the rest is mmap'd: V8's spaces, big buffers).
   */
  rssParts(): { readonly anon: number; readonly file: number; readonly brk: number };
  /** The daemon process's CPU time so far (user + system, /proc/<pid>/stat), in seconds. */
  cpuSeconds(): number;
  cleanup(): Promise<void>;
}

/** A line of the daemon's /proc/<pid>/status in KiB. */
const statusKiB = (daemon: TestDaemon, field: string): number => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${daemon.process?.pid}/status`, "utf8"));
  return Number(m?.[1] ?? Number.NaN);
};

/** The Rss of the daemon's `[heap]` mapping (glibc's brk heap) in KiB, from /proc/<pid>/smaps. */
const brkKiB = (daemon: TestDaemon): number => {
  const smaps = readFileSync(`/proc/${daemon.process?.pid}/smaps`, "utf8");
  const at = smaps.indexOf("[heap]");
  const m = at === -1 ? null : /\nRss:\s+(\d+) kB/.exec(smaps.slice(at));
  return Number(m?.[1] ?? 0);
};

export const createSoakProject = async (serviceCount: number, prefix: string): Promise<SoakProject> => {
  const dir = mkdtempSync(path.join(tmpdir(), `devloop-bench-${prefix}-`));
  const services = Array.from({ length: serviceCount }, (_, i) => `s${i}`);
  const port = await freePort();
  const image = bedImages().node;
  const lines = ["services:"];
  for (const s of services) {
    mkdirSync(path.join(dir, s));
    writeFileSync(path.join(dir, s, "server.js"), SERVER);
    writeFileSync(path.join(dir, s, "message.txt"), `first ${s}\n`);
    lines.push(`  ${s}:`, `    image: ${image}`, "    working_dir: /app", "    command: node server.js", `    volumes: ["./${s}:/app"]`);
    if (s === "s0") lines.push(`    ports: ["${port}:3000"]`);
  }
  writeFileSync(path.join(dir, "compose.yml"), `${lines.join("\n")}\n`);
  const namespace = `dl${prefix}${Math.random().toString(36).slice(2, 7)}`;
  const daemon = createTestDaemon();
  // DEVLOOP_BENCH_DAEMON_FLAGS (space-separated, may be empty) replaces the Node flags the CLI starts the daemon with.
  const flags = process.env["DEVLOOP_BENCH_DAEMON_FLAGS"];
  if (flags !== undefined) daemon.nodeFlags = flags.split(" ").filter((f) => f !== "");
  const { core } = kube();
  const kc = loadBedKubeConfig();
  const runningPod = async (service: string): Promise<string> => {
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `devloop.dev/service=${service}` });
    return pods.items.find((p) => p.status?.phase === "Running" && p.metadata?.deletionTimestamp === undefined)?.metadata?.name ?? "";
  };
  const podTree = async (service: string): Promise<Tree> => {
    const pod = await runningPod(service);
    if (pod === "") throw new Error(`no running pod for ${service}`);
    const r = await execInPod(kc, {
      namespace,
      pod,
      container: service,
      command: ["sh", "-c", "cd /app && find . -mindepth 1 -type d -printf 'D %P\\n' && find . -type f -exec sha256sum {} +"],
      timeoutMs: 30_000,
    });
    if (r.exitCode !== 0) throw new Error(`tree of ${service}: exit ${r.exitCode} ${r.stderr}`);
    const files = new Map<string, string>();
    const dirs = new Set<string>();
    for (const l of r.stdout.split("\n")) {
      if (l.startsWith("D ")) dirs.add(l.slice(2));
      else if (l.includes("  ./")) files.set(l.slice(l.indexOf("  ./") + 4), l.slice(0, 64));
    }
    return { files, dirs };
  };
  const project: SoakProject = {
    dir,
    services,
    namespace,
    port,
    daemon,
    async up() {
      Object.assign(daemon.env, { NODE_IMAGE: image });
      await daemon.start();
      const up = await daemon.cli(["up", "-n", namespace, "--detach", "--wait-timeout", "240"], dir, 300_000);
      if (up.code !== 0) throw new Error(`bench: up failed: ${up.stdout}${up.stderr}`);
    },
    runningPod,
    podTree,
    async compare() {
      const diffs = new Map<string, TreeDiff>();
      const unreadable: string[] = [];
      for (const s of services) {
        try {
          diffs.set(s, diffTrees(localTree(path.join(dir, s)), await podTree(s)));
        } catch {
          unreadable.push(s);
        }
      }
      return { diffs, unreadable };
    },
    async answer() {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
        return res.ok ? await res.text() : undefined;
      } catch {
        return undefined;
      }
    },
    rss: () => statusKiB(daemon, "VmRSS"),
    rssParts: () => ({ anon: statusKiB(daemon, "RssAnon"), file: statusKiB(daemon, "RssFile"), brk: brkKiB(daemon) }),
    cpuSeconds() {
      const stat = readFileSync(`/proc/${daemon.process?.pid}/stat`, "utf8");
      // Fields after the command's closing parenthesis: state is the 3rd field, utime and stime the 14th and 15th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async cleanup() {
      if (daemon.process === undefined) await daemon.start().catch(() => undefined);
      await daemon.cli(["down", "-n", namespace], dir, 120_000).catch(() => undefined);
      await daemon.stop();
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      rmSync(daemon.stateDir, { recursive: true, force: true });
    },
  };
  return project;
};

export type EditKind = "create" | "modify" | "delete" | "rename" | "mkdir";

/**
 * A seeded generator of mixed edits inside one service directory, keeping what it made so every op is valid; its
 * names carry the seed, so generators run one after another on the same tree never collide.
 */
export const createEditor = (root: string, seed: number): { edit(kind?: EditKind): EditKind; counts: Record<EditKind, number> } => {
  let state = seed >>> 0 || 1;
  const rand = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  const files: string[] = [];
  const dirs: string[] = [""];
  let n = 0;
  const counts: Record<EditKind, number> = { create: 0, modify: 0, delete: 0, rename: 0, mkdir: 0 };
  const body = (): string => `${n} ${"x".repeat(Math.floor(rand() * 4_000))}\n`;
  const choose = (): EditKind => {
    const r = rand();
    if (files.length < 5 || r < 0.25) return "create";
    if (r < 0.55) return "modify";
    if (r < 0.7) return "delete";
    if (r < 0.85) return "rename";
    return "mkdir";
  };
  return {
    counts,
    edit(wanted) {
      n++;
      let kind = wanted ?? choose();
      if ((kind === "modify" || kind === "delete" || kind === "rename") && files.length === 0) kind = "create";
      if (kind === "create") {
        const rel = path.posix.join(pick(dirs) ?? "", `f${seed}-${n}.txt`);
        writeFileSync(path.join(root, rel), body());
        files.push(rel);
      } else if (kind === "modify") {
        writeFileSync(path.join(root, pick(files) ?? ""), body());
      } else if (kind === "delete") {
        const i = Math.floor(rand() * files.length);
        rmSync(path.join(root, files[i] ?? ""));
        files.splice(i, 1);
      } else if (kind === "rename") {
        const i = Math.floor(rand() * files.length);
        const to = path.posix.join(pick(dirs) ?? "", `r${seed}-${n}.txt`);
        renameSync(path.join(root, files[i] ?? ""), path.join(root, to));
        files[i] = to;
      } else {
        const rel = path.posix.join(pick(dirs) ?? "", `d${seed}-${n}`);
        mkdirSync(path.join(root, rel));
        dirs.push(rel);
        // A new directory usually gets a file at once, as an editor or a generator writes it.
        if (rand() < 0.7) {
          writeFileSync(path.join(root, rel, "index.txt"), body());
          files.push(`${rel}/index.txt`);
        }
      }
      counts[kind]++;
      return kind;
    },
  };
};

export const summariseDiffs = (diffs: Map<string, TreeDiff>): string =>
  [...diffs]
    .filter(([, d]) => diffCount(d) > 0)
    .map(([s, d]) => `${s}: missing ${JSON.stringify(d.missing.slice(0, 5))}${d.missing.length > 5 ? `(+${d.missing.length - 5})` : ""}, wrong ${JSON.stringify(d.wrong.slice(0, 5))}, extra ${JSON.stringify(d.extra.slice(0, 5))}${d.extra.length > 5 ? `(+${d.extra.length - 5})` : ""}, missing dirs ${JSON.stringify(d.missingDirs.slice(0, 5))}, extra dirs ${JSON.stringify(d.extraDirs.slice(0, 5))}`)
    .join("; ");
