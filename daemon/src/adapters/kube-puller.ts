/**
 * The Puller over exec (ports/puller.ts): one exec lists the container's files changed since the last look
 * (find -newermt + sha256sum), the plan (sync/pull-plan.ts) picks what to bring back, a second exec reads those (a tar
 * per directory of bare names, each directory reached with pod-confine.ts `into`: never through a link leading out of
 * the target), and each is written on the host atomically (a temporary name beside it, then rename), only if its bytes
 * hash to what the listing said and the host's copy did not change meanwhile. Nothing is written outside the bind's host directory: every name passes the same path checks
 * as a synced path, and a parent that is a symlink is refused.
 */
import { lstat, mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { extract } from "tar-stream";
import type { PullParams, PullResult, Puller } from "../ports/puller.js";
import { SyncError } from "../ports/syncer.js";
import { hashContent } from "../sync/hash-manifest.js";
import type { LocalState } from "../sync/local-scan.js";
import { scanPaths } from "../sync/local-scan.js";
import { splitReadGroups } from "../sync/pull-read.js";
import { manifestAfterPull, maxPullFileBytes, parseChangedListing, planPull } from "../sync/pull-plan.js";
import { changedSinceCommand, readFilesCommand } from "../sync/remote-commands.js";
import type { KubeExec } from "./kube-exec.js";
import { KubeExecError } from "./kube-exec.js";

interface TarFile {
  readonly rel: string;
  readonly content: Buffer;
  readonly mode: number;
}

const readTar = (bytes: Buffer): Promise<TarFile[]> =>
  new Promise((resolve, reject) => {
    const files: TarFile[] = [];
    const x = extract();
    x.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => chunks.push(c as Buffer));
      stream.on("end", () => {
        if (header.type === "file") files.push({ rel: header.name.replace(/^\.\//, ""), content: Buffer.concat(chunks), mode: (header.mode ?? 0o644) & 0o7777 });
        next();
      });
      stream.resume();
    });
    x.on("finish", () => resolve(files));
    x.on("error", reject);
    x.end(bytes);
  });

/**
 * The read's files (pull-read.ts groups: one archive per directory, bare names), named relative to the target. An
 * entry with a `/` is not one the read asked for; a group whose archive does not parse is left out (its files are
 * fetched again when listed again).
 */
const readGroups = async (bytes: Buffer): Promise<TarFile[]> => {
  const files: TarFile[] = [];
  for (const group of splitReadGroups(bytes)) {
    let entries: TarFile[];
    try {
      entries = await readTar(group.archive);
    } catch {
      continue;
    }
    for (const e of entries) if (!e.rel.includes("/")) files.push({ ...e, rel: group.dir === "" ? e.rel : `${group.dir}/${e.rel}` });
  }
  return files;
};

/** True when no directory between root and the file is a symlink (a pull never follows one out of the root). */
const plainParents = async (root: string, rel: string): Promise<boolean> => {
  let dir = root;
  for (const part of rel.split("/").slice(0, -1)) {
    dir = path.join(dir, part);
    try {
      const st = await lstat(dir);
      if (!st.isDirectory()) return false;
    } catch {
      return true; // missing: mkdir makes a plain directory
    }
  }
  return true;
};

export const createKubePuller = (params: { readonly exec: KubeExec; readonly timeoutMs?: number }): Puller => {
  const { exec } = params;
  const timeoutMs = params.timeoutMs ?? 60_000;
  const run = async (p: PullParams, command: string[], maxOutputBytes?: number) => {
    const where = `bring back changes from ${p.pod.namespace}/${p.pod.pod}:${p.targetDir}`;
    try {
      return await exec(p.pod, command, { timeoutMs, ...(maxOutputBytes === undefined ? {} : { maxOutputBytes }) });
    } catch (error) {
      if (error instanceof KubeExecError) throw new SyncError(`${where}: ${error.message}`, error.transient);
      throw error;
    }
  };

  return {
    async pull(p): Promise<PullResult> {
      const started = performance.now();
      const listing = await run(p, changedSinceCommand(p.targetDir, p.since ?? -1, p.prune));
      if (listing.exitCode !== 0) {
        throw new SyncError(`bring back changes from ${p.pod.namespace}/${p.pod.pod}:${p.targetDir}: listing exited ${listing.exitCode}${listing.stderr.trim() ? `: ${listing.stderr.trim().split("\n")[0] ?? ""}` : ""} (the image needs GNU find and sha256sum)`, false);
      }
      const { now, files: remote } = parseChangedListing(listing.stdout);
      const since = now ?? p.since ?? 0;
      if (remote.size === 0) return { since, pulled: [], conflicts: [], deferred: 0, manifest: p.previous, ms: performance.now() - started };
      const observed = await scanPaths({ root: p.localRoot, paths: [...remote.keys()], ...(p.filter ? { filter: p.filter } : {}) });
      const local = new Map<string, LocalState>(observed.map((o) => [o.rel, o.state]));
      const plan = planPull({ remote, previous: p.previous, local, ...(p.filter ? { filter: p.filter } : {}) });
      const pulled: { rel: string; hash: string; mode: number; size: number }[] = [];
      const conflicts = [...plan.conflicts];
      let deferred = plan.deferred;
      if (plan.fetch.length > 0) {
        // Per file its bytes and header; per directory a marker and a tar's end padding (GNU tar: a 10 KiB record).
        const read = await run(p, readFilesCommand(p.targetDir, plan.fetch), plan.fetch.length * (maxPullFileBytes + 1024 + 16 * 1024));
        const files = await readGroups(read.stdoutBytes ?? Buffer.from(read.stdout));
        for (const f of files) {
          if (!plan.fetch.includes(f.rel) || f.content.length > maxPullFileBytes) continue;
          const hash = hashContent(f.content);
          // Not what the listing hashed: changed since (it is listed again next look), or not the file listed.
          if (hash !== remote.get(f.rel)) { deferred += 1; continue; }
          // The host may have changed since the plan: its edit wins.
          const [now] = await scanPaths({ root: p.localRoot, paths: [f.rel] });
          const expected = p.previous.get(f.rel);
          const unchanged = now === undefined || now.state.kind === "missing" ? expected === undefined : now.state.kind === "file" && expected?.kind === "file" && now.state.hash === expected.hash;
          if (!unchanged || !(await plainParents(p.localRoot, f.rel))) { conflicts.push(f.rel); continue; }
          const dest = path.join(p.localRoot, ...f.rel.split("/"));
          const temp = path.join(path.dirname(dest), `.${path.basename(dest)}.devloop-pull`);
          await mkdir(path.dirname(dest), { recursive: true });
          try {
            await writeFile(temp, f.content, { mode: f.mode });
            await rename(temp, dest);
          } catch (error) {
            await rm(temp, { force: true });
            throw error;
          }
          pulled.push({ rel: f.rel, hash, mode: f.mode, size: f.content.length });
        }
      }
      return { since, pulled: pulled.map((x) => x.rel), conflicts, deferred, manifest: manifestAfterPull(p.previous, pulled), ms: performance.now() - started };
    },
  };
};
