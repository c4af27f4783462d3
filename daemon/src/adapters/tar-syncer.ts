/**
 * The Syncer over exec + tar: one exec per batch runs `mkdir -p; cd; rm -rf -- <deletes>;
 * head -c N | tar -x -m -f -` with the tar (built in memory, modes kept) as length-framed stdin.
 * Deletes beyond one exec's argument budget go in extra rm-only execs first.
 */
import { buildTar } from "../sync/build-tar.js";
import type { HashManifest } from "../sync/hash-manifest.js";
import { detectDrift, parseRemoteListing } from "../sync/hash-manifest.js";
import { scanPaths, walkRoot } from "../sync/local-scan.js";
import { chunkByArgBytes, listCommand, syncCommand } from "../sync/remote-commands.js";
import type { SyncPlan } from "../sync/sync-plan.js";
import { planSync, vanishedSince } from "../sync/sync-plan.js";
import { SyncError } from "../ports/syncer.js";
import type { DriftRepairResult, FullSyncParams, SyncParams, SyncPod, SyncResult, Syncer } from "../ports/syncer.js";
import type { ExecResult, KubeExec } from "./kube-exec.js";
import { KubeExecError } from "./kube-exec.js";

export interface TarSyncerParams {
  readonly exec: KubeExec;
  /** Per-exec timeout, ms. Default 120 s. */
  readonly timeoutMs?: number;
}

const tail = (text: string, max = 400): string => {
  const t = text.trim();
  return t.length > max ? `…${t.slice(-max)}` : t;
};

export const createTarSyncer = ({ exec, timeoutMs }: TarSyncerParams): Syncer => {
  const run = async (pod: SyncPod, targetDir: string, cmd: string[], stdin?: Buffer): Promise<ExecResult> => {
    const where = `sync into ${pod.namespace}/${pod.pod}:${targetDir}`;
    let result: ExecResult;
    try {
      result = await exec(pod, cmd, { ...(stdin !== undefined ? { stdin } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    } catch (err) {
      if (err instanceof KubeExecError) throw new SyncError(`${where}: ${err.message}`, err.transient);
      throw err;
    }
    if (result.exitCode !== 0) {
      const stderr = tail(result.stderr);
      const hint = /tar: not found|head: not found|sh: not found|executable file not found/.test(stderr)
        ? "; the image needs sh, head and tar for live sync"
        : "";
      throw new SyncError(`${where}: the container's command exited ${result.exitCode}${stderr ? `: ${stderr}` : ""}${hint}`, false);
    }
    return result;
  };

  const carryOut = async (params: { pod: SyncPod; targetDir: string }, plan: SyncPlan, started: number, scanMs: number): Promise<SyncResult> => {
    let execs = 0;
    let bytes = 0;
    let tarMs = 0;
    const execStarted = performance.now();
    const groups = chunkByArgBytes(plan.deletes);
    const inline = groups.length > 0 ? groups.pop() ?? [] : [];
    // Large delete lists: rm-only execs first, so the final exec (deletes + extract) keeps delete-then-put order.
    for (const group of groups) {
      await run(params.pod, params.targetDir, syncCommand(params.targetDir, 0, group));
      execs += 1;
    }
    if (plan.puts.length > 0 || inline.length > 0) {
      const tarStarted = performance.now();
      const tar = plan.puts.length > 0 ? await buildTar(plan.puts) : undefined;
      tarMs = performance.now() - tarStarted;
      bytes = tar?.length ?? 0;
      await run(params.pod, params.targetDir, syncCommand(params.targetDir, bytes, inline), tar);
      execs += 1;
    }
    return {
      manifest: plan.next,
      put: plan.puts.map((p) => p.rel),
      deleted: [...plan.deletes],
      unchanged: plan.unchanged.length,
      refused: plan.refused,
      bytes,
      execs,
      ms: performance.now() - started,
      phases: { scanMs, tarMs, execMs: performance.now() - execStarted - tarMs },
    };
  };

  const full = async (params: FullSyncParams, previous: HashManifest, started: number): Promise<SyncResult> => {
    const present = await walkRoot(params.localRoot, params.filter);
    const observations = await scanPaths({ root: params.localRoot, paths: present, ...(params.filter ? { filter: params.filter } : {}) });
    const gone = vanishedSince(previous, new Set(present));
    const plan = planSync({ observations: [...observations, ...gone.map((rel) => ({ rel, state: { kind: "missing" as const } }))], previous, force: true });
    return carryOut(params, plan, started, performance.now() - started);
  };

  return {
    async sync(params: SyncParams) {
      const started = performance.now();
      let paths = params.paths;
      let gone: string[] = [];
      if (params.rescan === true) {
        const present = await walkRoot(params.localRoot, params.filter);
        paths = [...params.paths, ...present];
        gone = vanishedSince(params.previous, new Set(present));
      }
      const scan = (p: readonly string[]) => scanPaths({ root: params.localRoot, paths: p, ...(params.filter ? { filter: params.filter } : {}) });
      let observations = await scan([...paths, ...gone]);
      if (params.rescan !== true) {
        // A new directory's files may be written before the watcher watches it, and their events lost:
        // walk every directory in the batch and take what is inside (unchanged files are skipped by hash).
        const dirs = observations.filter((o) => o.state.kind === "directory").map((o) => o.rel);
        const inside = (await Promise.all(dirs.map((d) => walkRoot(params.localRoot, params.filter, d)))).flat();
        const seen = new Set(observations.map((o) => o.rel));
        const extra = inside.filter((rel) => !seen.has(rel));
        if (extra.length > 0) observations = [...observations, ...(await scan(extra))];
      }
      const plan = planSync({ observations, previous: params.previous });
      return carryOut(params, plan, started, performance.now() - started);
    },
    fullSync(params) {
      return full(params, params.previous, performance.now());
    },
    async repairDrift(params): Promise<DriftRepairResult> {
      const started = performance.now();
      const listing = await run(params.pod, params.targetDir, listCommand(params.targetDir));
      const drift = detectDrift(params.previous, parseRemoteListing(listing.stdout));
      const bad = [...drift.missing, ...drift.changed];
      // Re-scan the drifted paths from disk (the local file may have changed too) and put them back.
      const scanStarted = performance.now();
      const observations = await scanPaths({ root: params.localRoot, paths: bad, ...(params.filter ? { filter: params.filter } : {}) });
      const plan = planSync({ observations, previous: params.previous, force: true });
      const result = await carryOut(params, plan, started, performance.now() - scanStarted);
      return { ...result, execs: result.execs + 1, drift };
    },
  };
};
