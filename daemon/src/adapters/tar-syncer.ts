/**
 * The Syncer over exec + tar: one exec per batch runs `mkdir -p; cd; rm -rf -- <deletes>;
 * head -c N | tar -x -m -f -` with the tar (built in memory, modes kept) as length-framed stdin.
 * Deletes beyond one exec's argument budget go in extra rm-only execs first. Files of a batch of up to
 * maxStagedFiles travel under staged names and are renamed over their targets (sync/atomic-replace.ts).
 * Payloads over sessionMaxBytes (a big file, a bind's fill) are streamed instead: read, hashed, packed (gzipped when
 * that pays) and sent in frames as the exec takes them (sync/tar-pack-stream.ts), never held whole.
 */
import { promisify } from "node:util";
import { gzip as zlibGzip } from "node:zlib";
import type { RenameList } from "../sync/atomic-replace.js";
import { encodeRenames, isStagedName, maxStagedFiles, planStaging } from "../sync/atomic-replace.js";
import { buildRecords } from "../sync/build-tar.js";
import type { HashManifest } from "../sync/hash-manifest.js";
import { entryDigest, parseRemoteListing } from "../sync/hash-manifest.js";
import { keepRatio, sampleRatio, worthGzipping } from "../sync/gzip-choice.js";
import type { PathFilter } from "../sync/path-filter.js";
import { checkRelativePath } from "../sync/sync-path.js";
import type { ManifestEntry } from "../sync/hash-manifest.js";
import type { LocalObservation } from "../sync/local-scan.js";
import { scanPaths, walkRoot } from "../sync/local-scan.js";
import { chunkByArgBytes, freshStreamCommand, listCommand, noReaderStatus, notEmptyStatus, streamCommand, syncCommand } from "../sync/remote-commands.js";
import type { PutEntry, SyncPlan } from "../sync/sync-plan.js";
import type { ReadAhead } from "../sync/read-ahead.js";
import { readAhead } from "../sync/read-ahead.js";
import { estimatedTarBytes, packStream, streamWorthGzipping, withContents } from "../sync/tar-pack-stream.js";
import { planPutFiles, planSync, vanishedSince } from "../sync/sync-plan.js";
import { SyncError } from "../ports/syncer.js";
import type { DriftRepairResult, FullSyncParams, SyncParams, SyncPod, SyncResult, Syncer } from "../ports/syncer.js";
import { agentCommand, encodeRequest, parseReply } from "../sync/session-protocol.js";
import type { ExecResult, ExecStream, KubeExec, KubeExecStreamOpener } from "./kube-exec.js";
import { KubeExecError } from "./kube-exec.js";
import type { DiskFillResult } from "./disk-fill.js";
import { fillOnDisk } from "./disk-fill.js";

/**
 * Payloads over this go in an exec of their own, streamed, not through the session: the session's framed reader is
 * built for edits, and a bind's first fill (20,000 files, 64 MB gzipped) took 17.9 s through it against 7.2 s in one
 * exec, on the bed under load. Up to this, a batch is packed in memory (one buffer for the session's frame).
 */
export const sessionMaxBytes = 16 * 1024 * 1024;

/** A plan's files as they went into the archive (the hash of the bytes sent), for the manifest. */
type Sent = ReadonlyMap<string, ManifestEntry>;

/**
 * A fresh fill's stream packed ahead (prepareFull): the frames read, hashed, tarred and gzipped while the pod is
 * scheduled and started, up to aheadMaxBytes, the rest as the exec takes them (sync/read-ahead.ts).
 */
interface PackedAhead {
  readonly gzip: boolean;
  readonly read: ReadAhead;
  readonly sent: Map<string, ManifestEntry>;
}

/**
 * Frames packed ahead of a fill, at most: in the quiet 19:50 trace the exec into devloop-bind could start ~1.4 s after
 * the project's load, time enough to pack most of the bench's 61 MB gzipped tree (gzip -1 ~160 MB/s of input).
 */
export const aheadMaxBytes = 64 * 1024 * 1024;

/** The manifest after a plan was carried out: each put file as sent; one that could not be read any more is not there. */
const manifestAfter = (plan: SyncPlan, sent: Sent): Map<string, ManifestEntry> => {
  const next = new Map(plan.next);
  for (const put of plan.puts) {
    if (put.kind !== "file") continue;
    const entry = sent.get(put.rel);
    if (entry === undefined) next.delete(put.rel);
    else next.set(put.rel, entry);
  }
  return next;
};

/** What in-memory puts send: their content as read. */
const sentOf = (puts: readonly PutEntry[]): Sent =>
  new Map(puts.flatMap((p) => (p.kind === "file" && p.content !== undefined ? [[p.rel, { kind: "file" as const, hash: p.hash, mode: p.mode, size: p.content.length }]] : [])));

export interface TarSyncerParams {
  readonly exec: KubeExec;
  /**
   * When given, batches go through one long-lived exec per pod and target (sync/session-protocol.ts),
   * saving the exec set-up on every edit. A session that cannot start or dies falls back to `exec`.
   */
  readonly openStream?: KubeExecStreamOpener;
  /** Per-exec timeout, ms. Default 120 s. */
  readonly timeoutMs?: number;
  /** Batches with more files than this are extracted directly, not atomic per file. Default maxStagedFiles (0: never stage). */
  readonly stageLimit?: number;
  /** Called after each streamed (big) payload, sent or not: the daemon collects its dead frames once idle (idle-collect.ts). */
  readonly afterBigPayload?: () => void;
  /**
   * Whether streamed payloads into this pod may be gzipped (when a sample of the files pays, sync/gzip-choice.ts).
   * Default true. Off only to measure (bench bind-fill): on the bed, a cluster on this machine, plain streams were
   * slower, not faster (docs/benchmarks.md).
   */
  readonly gzipStreams?: (pod: SyncPod) => boolean;
}

/** A syncer holds sessions open: close() ends them (daemon shutdown). */
export interface TarSyncer extends Syncer {
  close(): void;
  /**
   * Renames files someone else put under their staged names (sync/atomic-replace.ts; the Docker engine's archive
   * API) over their targets, through the session when there is one. Resolves with the execs it took (0 or 1).
   */
  commitStaged(params: { readonly pod: SyncPod; readonly targetDir: string; readonly staged: ReadonlyMap<string, string> }): Promise<number>;
}

/** A plan's payload: the staged renames, the records (build-tar.ts buildRecords: directories, one tar per directory), and their gzipped copy when that pays. */
interface Packed {
  readonly puts: readonly PutEntry[];
  readonly renames: RenameList;
  readonly tar?: Buffer;
  readonly zipped?: Buffer;
  readonly tarMs: number;
}

interface Session {
  readonly stream: ExecStream;
  /** Resolves with the next reply line, or undefined when the session ended. */
  next(timeoutMs: number): Promise<string | undefined>;
  stderr(): string;
  dead: boolean;
  /** A reply did not come in time (next() resolved undefined on its timer, not because the exec ended). */
  timedOut: boolean;
  /** Serialises requests. */
  queue: Promise<unknown>;
}

/**
 * The agent's start: a Session once it answered ready; "unusable" when it declined (no exact frame reader: busybox
 * head -c reads ahead and its dd has no iflag) or answered something else; undefined when the exec ended first.
 */
const startSession = async (stream: ExecStream): Promise<Session | "unusable" | undefined> => {
  const lines: string[] = [];
  const waiters: ((line: string | undefined) => void)[] = [];
  let buf = "";
  let err = "";
  const session: Session = {
    stream,
    dead: false,
    timedOut: false,
    queue: Promise.resolve(),
    stderr: () => { const e = err; err = ""; return e; },
    next: (timeoutMs) => {
      const line = lines.shift();
      if (line !== undefined || session.dead) return Promise.resolve(line);
      return new Promise((resolve) => {
        const timer = setTimeout(() => { session.dead = true; session.timedOut = true; stream.close(); resolve(undefined); }, timeoutMs);
        waiters.push((l) => { clearTimeout(timer); resolve(l); });
      });
    },
  };
  stream.onStdout((chunk) => {
    buf += chunk.toString("utf8");
    for (let i = buf.indexOf("\n"); i !== -1; i = buf.indexOf("\n")) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line); else lines.push(line);
    }
  });
  stream.onStderr((chunk) => { err = (err + chunk.toString("utf8")).slice(-4000); });
  void stream.ended.then(() => {
    session.dead = true;
    for (const w of waiters.splice(0)) w(undefined);
  });
  const first = await session.next(15_000);
  if (first !== undefined && parseReply(first).kind === "ready") return session;
  stream.close();
  return first === undefined && !session.timedOut ? undefined : "unusable";
};

const tail = (text: string, max = 400): string => {
  const t = text.trim();
  return t.length > max ? `…${t.slice(-max)}` : t;
};

const gzip = promisify(zlibGzip);

export const createTarSyncer = ({ exec, openStream, timeoutMs, stageLimit = maxStagedFiles, afterBigPayload, gzipStreams }: TarSyncerParams): TarSyncer => {
  const sessions = new Map<string, Promise<Session | "unusable" | undefined>>();
  /**
   * Pods and targets where the session is not usable: the agent declined (no exact frame reader), a tool it needs is
   * missing (status 127, e.g. no xargs), or it did not answer in time. One exec per batch there, without trying the
   * session again; a new pod is a new key and gets a fresh try. A session that ended (pod replaced) is reopened.
   */
  const noAgent = new Set<string>();
  /** Targets whose image cannot extract a gzipped tar. */
  const noGzip = new Set<string>();
  /** Targets whose image has no exact frame reader: big payloads go in memory there, as one length-framed stdin. */
  const noStream = new Set<string>();
  const sessionKey = (pod: SyncPod, targetDir: string): string => `${pod.namespace}/${pod.pod}/${pod.container}:${targetDir}`;

  /** true = applied through the session; false = no usable session (the caller falls back to one exec). */
  const viaSession = async (pod: SyncPod, targetDir: string, tar: Buffer | undefined, deletes: readonly string[], renames: RenameList, gzipped = false): Promise<boolean> => {
    if (openStream === undefined) return false;
    const key = sessionKey(pod, targetDir);
    if (noAgent.has(key)) return false;
    let pending = sessions.get(key);
    if (pending === undefined) {
      pending = openStream(pod, agentCommand(targetDir)).then(startSession, () => undefined);
      sessions.set(key, pending);
    }
    const session = await pending;
    if (session === "unusable") noAgent.add(key);
    if (session === undefined || session === "unusable" || session.dead) { sessions.delete(key); return false; }
    const run = async (): Promise<boolean> => {
      session.stderr();
      session.stream.write(encodeRequest(tar, deletes, gzipped, renames));
      const line = await session.next(timeoutMs ?? 120_000);
      if (line === undefined) {
        if (session.timedOut) noAgent.add(key);
        sessions.delete(key);
        return false;
      }
      const reply = parseReply(line);
      if (reply.kind !== "done") { session.dead = true; session.stream.close(); sessions.delete(key); return false; }
      if (reply.status === 127) {
        // A tool the agent needs is missing in this image: this batch and the next go through one exec each.
        noAgent.add(key);
        session.dead = true;
        session.stream.close();
        sessions.delete(key);
        return false;
      }
      if (reply.status !== 0) {
        const stderr = tail(session.stderr());
        throw new SyncError(`sync into ${pod.namespace}/${pod.pod}:${targetDir}: the container's tar or rm failed (${reply.status})${stderr ? `: ${stderr}` : ""}`, false);
      }
      return true;
    };
    const result = session.queue.then(run, run);
    session.queue = result.catch(() => undefined);
    return result;
  };

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

  /** The gzipped payload through the session, else one exec; deletes first, in rm-only execs when they are many. */
  const sendGzipped = async (pod: SyncPod, targetDir: string, payload: Buffer, deletes: readonly string[], renames: RenameList, result: (execs: number) => SyncResult): Promise<SyncResult> => {
    if (openStream !== undefined && payload.length <= sessionMaxBytes && (await viaSession(pod, targetDir, payload, deletes, renames, true))) return result(0);
    let execs = 0;
    const groups = chunkByArgBytes(deletes);
    const inline = groups.length > 0 ? groups.pop() ?? [] : [];
    for (const group of groups) {
      await run(pod, targetDir, syncCommand(targetDir, 0, group));
      execs += 1;
    }
    await run(pod, targetDir, syncCommand(targetDir, payload.length, inline, true, renames.count), Buffer.concat([renames.bytes, payload]));
    return result(execs + 1);
  };

  /**
   * The archive of a plan, built once: the session path and the fallback exec send the same one. Regular files go under
   * staged names and are renamed over their targets in the container (atomic per file), unless the batch is big. Big
   * batches that compress well (a storm: 5,000 small files are mostly tar headers and padding; text) also get a gzipped
   * copy; a binary (~60 %) is not worth the gzip (sync/gzip-choice.ts).
   */
  const pack = async (plan: SyncPlan, root: string, gzipAllowed: boolean): Promise<Packed> => {
    const tarStarted = performance.now();
    // Files the scan did not keep (big, or past its budget) are read now; one that is gone is left out.
    const puts = plan.puts.some((p) => p.kind === "file" && p.content === undefined) ? await withContents(root, plan.puts) : plan.puts;
    const staged = planStaging(puts, stageLimit);
    const tar = buildRecords(puts, staged);
    const zipped = tar !== undefined && gzipAllowed && worthGzipping(tar) ? await gzip(tar, { level: 1 }) : undefined;
    return { puts, renames: encodeRenames(staged), ...(tar === undefined ? {} : { tar }), ...(zipped !== undefined && zipped.length <= tar!.length * keepRatio ? { zipped } : {}), tarMs: performance.now() - tarStarted };
  };

  /** Rm-only execs for the delete lists too long for one command's arguments; the last group is left for the caller. */
  const deleteAhead = async (pod: SyncPod, targetDir: string, deletes: readonly string[]): Promise<{ inline: string[]; execs: number }> => {
    const groups = chunkByArgBytes(deletes);
    const inline = groups.length > 0 ? groups.pop() ?? [] : [];
    for (const group of groups) await run(pod, targetDir, syncCommand(targetDir, 0, group));
    return { inline, execs: groups.length };
  };

  /**
   * A big payload streamed through one exec (sync/tar-pack-stream.ts): never held whole, files read once. Undefined
   * when the image has no exact frame reader (then it goes in memory). `fresh` (FullSyncParams): one plain tar
   * (remote-commands.ts freshStreamCommand) while the container finds the target empty, else the records.
   */
  const streamOut = async (params: { pod: SyncPod; targetDir: string }, root: string, plan: SyncPlan, started: number, scanMs: number, fresh: boolean, packedAhead?: PackedAhead): Promise<SyncResult | undefined> => {
    const key = sessionKey(params.pod, params.targetDir);
    const where = `sync into ${params.pod.namespace}/${params.pod.pod}:${params.targetDir}`;
    const staged = planStaging(plan.puts, stageLimit);
    const { inline, execs: deleteExecs } = await deleteAhead(params.pod, params.targetDir, plan.deletes);
    let whole = fresh && plan.deletes.length === 0;
    // What was packed ahead is what this first try sends, unless the target needs otherwise (no gzip there, not fresh).
    let ahead = packedAhead !== undefined && whole && !noGzip.has(key) ? packedAhead : undefined;
    if (packedAhead !== undefined && ahead === undefined) packedAhead.read.cancel();
    let gzipped = ahead !== undefined ? ahead.gzip : !noGzip.has(key) && gzipStreams?.(params.pod) !== false && (await streamWorthGzipping(root, plan.puts, sampleRatio));
    for (;;) {
      const execStarted = performance.now();
      const { frames, sent } = ahead !== undefined ? { frames: ahead.read.chunks, sent: ahead.sent } : packStream({ puts: plan.puts, root, staged, gzip: gzipped, whole });
      // Once: a retry (the target was not empty, no gzip there) packs again.
      ahead = undefined;
      let bytes = 0;
      const counted = async function* (): AsyncGenerator<Buffer> {
        for await (const frame of frames) { bytes += frame.length; yield frame; }
      };
      let result: ExecResult;
      try {
        const command = whole ? freshStreamCommand(params.targetDir, gzipped) : streamCommand(params.targetDir, inline, gzipped);
        result = await exec(params.pod, command, { stdinStream: counted(), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      } catch (err) {
        if (err instanceof KubeExecError) throw new SyncError(`${where}: ${err.message}`, err.transient);
        throw err;
      }
      if (result.exitCode === noReaderStatus) return undefined;
      if (whole && result.exitCode === notEmptyStatus) {
        // Something is there already (a restarted pod's emptyDir, a nested bind's mount point): the records, confined.
        whole = false;
        continue;
      }
      if (result.exitCode !== 0 && gzipped) {
        // No gzip (or a tar without -z) in the image: plain tar from now on for this target.
        noGzip.add(key);
        gzipped = false;
        continue;
      }
      if (result.exitCode !== 0) {
        const stderr = tail(result.stderr);
        throw new SyncError(`${where}: the container's command exited ${result.exitCode}${stderr ? `: ${stderr}` : ""}`, false);
      }
      return {
        manifest: manifestAfter(plan, sent),
        put: plan.puts.flatMap((p) => (p.kind !== "file" || sent.has(p.rel) ? [p.rel] : [])),
        deleted: [...plan.deletes],
        unchanged: plan.unchanged.length,
        refused: plan.refused,
        bytes,
        execs: deleteExecs + 1,
        ms: performance.now() - started,
        // Packing overlaps the exec: its time is in execMs.
        phases: { scanMs, tarMs: 0, execMs: performance.now() - execStarted },
      };
    }
  };

  const carryOut = async (params: { pod: SyncPod; targetDir: string }, root: string, plan: SyncPlan, started: number, scanMs: number, fresh = false, ahead?: PackedAhead): Promise<SyncResult> => {
    // Gzipped unless this target's image cannot gunzip.
    const key = sessionKey(params.pod, params.targetDir);
    if (!noStream.has(key) && estimatedTarBytes(plan.puts) > sessionMaxBytes) {
      let streamed: SyncResult | undefined;
      try {
        streamed = await streamOut(params, root, plan, started, scanMs, fresh, ahead);
      } finally {
        afterBigPayload?.();
      }
      if (streamed !== undefined) return streamed;
      noStream.add(key);
    } else ahead?.read.cancel();
    const { puts, renames, tar, zipped, tarMs } = await pack(plan, root, !noGzip.has(key));
    const payload = noGzip.has(key) ? undefined : zipped;
    const sent = sentOf(puts);
    const execStarted = performance.now();
    const result = (execs: number): SyncResult => ({
      manifest: manifestAfter(plan, sent),
      put: plan.puts.flatMap((p) => (p.kind !== "file" || sent.has(p.rel) ? [p.rel] : [])),
      deleted: [...plan.deletes],
      unchanged: plan.unchanged.length,
      refused: plan.refused,
      bytes: (payload ?? tar)?.length ?? 0,
      execs,
      ms: performance.now() - started,
      phases: { scanMs, tarMs, execMs: performance.now() - execStarted },
    });
    if (payload !== undefined) {
      try {
        return await sendGzipped(params.pod, params.targetDir, payload, plan.deletes, renames, result);
      } catch (error) {
        if (!(error instanceof SyncError) || error.transient) throw error;
        // No gzip (or a tar without -z) in the image: plain tar from now on for this target.
        noGzip.add(key);
      }
    }
    if (openStream !== undefined && (tar !== undefined || plan.deletes.length > 0) && (tar?.length ?? 0) <= sessionMaxBytes) {
      if (await viaSession(params.pod, params.targetDir, tar, plan.deletes, renames)) return result(0);
    }
    let execs = 0;
    const groups = chunkByArgBytes(plan.deletes);
    const inline = groups.length > 0 ? groups.pop() ?? [] : [];
    // Large delete lists: rm-only execs first, so the final exec (deletes + extract) keeps delete-then-put order.
    for (const group of groups) {
      await run(params.pod, params.targetDir, syncCommand(params.targetDir, 0, group));
      execs += 1;
    }
    if (tar !== undefined || inline.length > 0) {
      const stdin = tar === undefined ? undefined : renames.count > 0 ? Buffer.concat([renames.bytes, tar]) : tar;
      await run(params.pod, params.targetDir, syncCommand(params.targetDir, tar?.length ?? 0, inline, false, renames.count), stdin);
      execs += 1;
    }
    return result(execs);
  };

  const scanFull = async (params: { readonly localRoot: string; readonly filter?: PathFilter }, previous: HashManifest): Promise<SyncPlan> => {
    // Empty directories too: no file brings them along, and the manifest (files and symlinks) cannot say they exist.
    const present = await walkRoot(params.localRoot, params.filter, "", true);
    // Every file is put: the scan only lstat's, and the packer reads and hashes each file once, as it sends it.
    const observations = await scanPaths({ root: params.localRoot, paths: present, read: false, ...(params.filter ? { filter: params.filter } : {}) });
    const gone = vanishedSince(previous, new Set(present));
    return planSync({ observations: [...observations, ...gone.map((rel) => ({ rel, state: { kind: "missing" as const } }))], previous, force: true });
  };

  /**
   * Full syncs into empty targets, walked and lstat'ed ahead (prepareFull), by local root, and a big one's stream packed
   * ahead as a fresh fill sends it; dropped after a while.
   */
  const prepared = new Map<string, Promise<{ readonly plan: SyncPlan; readonly scanMs: number; readonly ahead?: PackedAhead } | undefined>>();
  const preparedTtlMs = 120_000;
  /** The local root whose stream is packed ahead now (one at a time), until its fill takes it or it is dropped. */
  let aheadRoot: string | undefined;

  const full = async (params: FullSyncParams, previous: HashManifest, started: number): Promise<SyncResult> => {
    const entry = prepared.get(params.localRoot);
    prepared.delete(params.localRoot);
    // Its pack ahead (if it gets one: the walk may still run) is this fill's now, or dropped: the next root may pack.
    const taken = entry?.then((w) => {
      if (aheadRoot === params.localRoot) aheadRoot = undefined;
      if (previous.size > 0) w?.ahead?.read.cancel();
      return w;
    });
    const ready = previous.size === 0 ? await taken : undefined;
    // Files created since the walk are the caller's to send (a sync with rescan against the manifest, which holds
    // the hash of what was read when sending).
    const fresh = params.fresh === true && previous.size === 0;
    if (ready !== undefined && !fresh) ready.ahead?.read.cancel();
    if (fresh && params.hostDir !== undefined) {
      const plan = ready?.plan ?? (await scanFull(params, previous));
      ready?.ahead?.read.cancel();
      return onDisk(params.hostDir, params.localRoot, plan, started, ready?.scanMs ?? performance.now() - started);
    }
    if (ready !== undefined) return carryOut(params, params.localRoot, ready.plan, started, ready.scanMs, fresh, fresh ? ready.ahead : undefined);
    const plan = await scanFull(params, previous);
    return carryOut(params, params.localRoot, plan, started, performance.now() - started, fresh);
  };

  /** A fresh fill written into the pod's volume on this machine's disk (adapters/disk-fill.ts): no archive, no exec. */
  const onDisk = async (dir: string, root: string, plan: SyncPlan, started: number, scanMs: number): Promise<SyncResult> => {
    const writeStarted = performance.now();
    let filled: DiskFillResult;
    try {
      filled = await fillOnDisk(dir, root, plan.puts);
    } catch (error) {
      if (error instanceof SyncError) throw error;
      throw new SyncError(`fill of ${dir}: ${error instanceof Error ? error.message : String(error)}`, false);
    }
    return {
      manifest: manifestAfter(plan, filled.sent),
      put: plan.puts.flatMap((p) => (p.kind !== "file" || filled.sent.has(p.rel) ? [p.rel] : [])),
      deleted: [...plan.deletes],
      unchanged: plan.unchanged.length,
      refused: plan.refused,
      bytes: filled.bytes,
      execs: 0,
      ms: performance.now() - started,
      via: "disk",
      phases: { scanMs, tarMs: 0, execMs: performance.now() - writeStarted },
    };
  };

  return {
    prepareFull(params) {
      if (prepared.has(params.localRoot)) return;
      const started = performance.now();
      const work = scanFull(params, new Map()).then(async (plan) => {
        const scanMs = performance.now() - started;
        // A tree the fill will stream (over the session's limit) is packed now, as a fresh fill sends it: one tar,
        // gzipped when a sample pays. Not when the caller decides gzip per pod (bench bind-fill's variants).
        // One at a time (several bind roots prepared at once would each hold up to the budget): the others just scan.
        // Nor when the fill will likely be written on this machine's disk (it reads the files itself).
        if (gzipStreams !== undefined || params.toDisk === true || estimatedTarBytes(plan.puts) <= sessionMaxBytes || aheadRoot !== undefined) return { plan, scanMs };
        aheadRoot = params.localRoot;
        const gzip = await streamWorthGzipping(params.localRoot, plan.puts, sampleRatio);
        const pack = packStream({ puts: plan.puts, root: params.localRoot, gzip, whole: true });
        return { plan, scanMs, ahead: { gzip, sent: pack.sent, read: readAhead(pack.frames, aheadMaxBytes) } };
      }).catch(() => undefined);
      prepared.set(params.localRoot, work);
      const timer = setTimeout(() => {
        if (prepared.get(params.localRoot) !== work) return;
        prepared.delete(params.localRoot);
        if (aheadRoot === params.localRoot) aheadRoot = undefined;
        void work.then((w) => w?.ahead?.read.cancel());
      }, preparedTtlMs);
      timer.unref();
    },
    close() {
      for (const pending of sessions.values()) void pending.then((s) => { if (typeof s === "object") s.stream.close(); });
      sessions.clear();
    },
    async sync(params: SyncParams) {
      const started = performance.now();
      let paths = params.paths;
      let gone: string[] = [];
      if (params.rescan === true) {
        const present = await walkRoot(params.localRoot, params.filter, "", true);
        paths = [...params.paths, ...present];
        gone = vanishedSince(params.previous, new Set(present));
      }
      const scan = (p: readonly string[]) => scanPaths({ root: params.localRoot, paths: p, ...(params.filter ? { filter: params.filter } : {}) });
      let observations = await scan([...paths, ...gone]);
      if (params.rescan !== true) {
        // A new directory's files may be written before the watcher watches it, and their events lost:
        // walk every directory in the batch and take what is inside (unchanged files are skipped by hash).
        const dirs = observations.filter((o) => o.state.kind === "directory").map((o) => o.rel);
        const inside = (await Promise.all(dirs.map((d) => walkRoot(params.localRoot, params.filter, d, true)))).flat();
        const seen = new Set(observations.map((o) => o.rel));
        const extra = inside.filter((rel) => !seen.has(rel));
        if (extra.length > 0) observations = [...observations, ...(await scan(extra))];
      }
      const plan = planSync({ observations, previous: params.previous });
      return carryOut(params, params.localRoot, plan, started, performance.now() - started);
    },
    fullSync(params) {
      return full(params, params.previous, performance.now());
    },
    async commitStaged({ pod, targetDir, staged: given }) {
      const staged = new Map<string, string>();
      for (const [rel, name] of given) {
        const c = checkRelativePath(rel);
        if (!c.ok || !isStagedName(name)) throw new SyncError(`refused to rename ${JSON.stringify(rel)} into place in ${targetDir}`, false);
        staged.set(c.rel, name);
      }
      if (staged.size === 0) return 0;
      const renames = encodeRenames(staged);
      if (await viaSession(pod, targetDir, undefined, [], renames)) return 0;
      await run(pod, targetDir, syncCommand(targetDir, 0, [], false, renames.count), renames.bytes);
      return 1;
    },
    async putFiles(params) {
      const started = performance.now();
      const { puts, next } = planPutFiles(params);
      return await carryOut(params, "", { puts, deletes: [], unchanged: [], refused: [], next }, started, 0);
    },
    async reconcile(params): Promise<DriftRepairResult> {
      const started = performance.now();
      const remote = parseRemoteListing((await run(params.pod, params.targetDir, listCommand(params.targetDir))).stdout);
      const scanStarted = performance.now();
      const present = await walkRoot(params.localRoot, params.filter, "", true);
      // Directories come along with their files (tar creates parents); only files and symlinks are compared. An empty
      // directory (the only kind the walk lists) is put every time: the listing shows no directories, and it is cheap.
      const observations = await scanPaths({ root: params.localRoot, paths: present, ...(params.filter ? { filter: params.filter } : {}) });
      const asEntry = (o: LocalObservation): ManifestEntry | undefined =>
        o.state.kind === "file" ? { kind: "file", hash: o.state.hash, mode: o.state.mode, size: o.state.size }
          : o.state.kind === "symlink" ? { kind: "symlink", target: o.state.target } : undefined;
      // What the container already holds, as a manifest: a local entry whose digest the listing shows is unchanged.
      const held = new Map<string, ManifestEntry>();
      const missing: string[] = [];
      const changed: string[] = [];
      for (const o of observations) {
        const entry = asEntry(o);
        if (entry === undefined) continue;
        const got = remote.get(o.rel);
        if (got === entryDigest(entry)) held.set(o.rel, entry);
        else (got === undefined ? missing : changed).push(o.rel);
      }
      const gone = vanishedSince(params.previous, new Set(present)).filter((rel) => remote.has(rel));
      const plan = planSync({ observations: [...observations, ...gone.map((rel) => ({ rel, state: { kind: "missing" as const } }))], previous: held });
      const result = await carryOut(params, params.localRoot, plan, started, performance.now() - scanStarted);
      return { ...result, execs: result.execs + 1, drift: { missing: missing.sort(), changed: changed.sort() } };
    },
  };
};
