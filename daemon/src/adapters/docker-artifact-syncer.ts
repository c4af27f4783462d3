/**
 * The "docker" artifact delivery (sync/artifact-delivery.ts): a Syncer whose putFiles writes straight into the pod's
 * container with the Docker engine's archive API (PUT /containers/{id}/archive, what `docker cp` does) when that
 * container runs on this engine, and otherwise does what the tar syncer does. Everything else is the tar syncer's.
 *
 * Which container: the kubelet labels each pod's containers with the pod's namespace, name and UID and the container's
 * name; only a running container whose labels match the pod and whose UID is the apiserver's for that pod is used, so a
 * same-named pod of another cluster on this engine is never written into. The container is inspected before each put
 * (it must still run: a restarted container gets a new id) and its user gives the files' owner, as `tar -x` over exec
 * would leave them. Confinement is the tar syncer's: names are relative without `..` (checkRelativePath), the target
 * directory absolute without `..` (checkTargetDir), and the engine resolves the path inside the container's root.
 * Files go in under staged names and are renamed over their targets through the tar syncer's session (commitStaged),
 * so a binary is replaced atomically. A put that fails here (container gone, target directory missing, engine
 * unreachable, the rename failed) is done over exec instead.
 */
import Docker from "dockerode";
import type { PutFilesParams, SyncPod, SyncResult } from "../ports/syncer.js";
import { SyncError } from "../ports/syncer.js";
import type { EngineContainer } from "../sync/artifact-delivery.js";
import { archiveOwner, pickPodContainer, podLabels } from "../sync/artifact-delivery.js";
import { planStaging } from "../sync/atomic-replace.js";
import { buildTar } from "../sync/build-tar.js";
import type { ManifestEntry } from "../sync/hash-manifest.js";
import type { PutEntry } from "../sync/sync-plan.js";
import { planPutFiles } from "../sync/sync-plan.js";
import { checkTargetDir } from "../sync/sync-path.js";
import type { TarSyncer } from "./tar-syncer.js";

/** What the syncer needs of a Docker engine (dockerodeArchiveEngine is the real one; tests pass a fake). */
export interface ArchiveEngine {
  /** Containers labelled with this pod's namespace, name and container name (any state). */
  podContainers(pod: SyncPod): Promise<readonly EngineContainer[]>;
  /** The container's state now: undefined when it is gone. */
  inspect(id: string): Promise<{ readonly running: boolean; readonly user: string } | undefined>;
  /** Extracts the tar into `dir` inside the container. */
  putArchive(id: string, dir: string, tar: Buffer): Promise<void>;
}

export const dockerodeArchiveEngine = (docker: Docker = new Docker()): ArchiveEngine => ({
  podContainers: async (pod) => {
    const list = await docker.listContainers({
      all: true,
      filters: { label: [`${podLabels.namespace}=${pod.namespace}`, `${podLabels.name}=${pod.pod}`, `${podLabels.container}=${pod.container}`] },
    });
    return list.map((c) => ({ id: c.Id, state: c.State, labels: c.Labels }));
  },
  inspect: async (id) => {
    try {
      const info = await docker.getContainer(id).inspect();
      return { running: info.State.Running, user: info.Config.User ?? "" };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  },
  putArchive: async (id, dir, tar) => {
    await docker.getContainer(id).putArchive(tar, { path: dir });
  },
});

export interface DockerArtifactSyncerParams {
  /** Everything but direct puts, and the fallback of a put that cannot go direct. */
  readonly base: TarSyncer;
  readonly engine: ArchiveEngine;
  /** The pod's UID as the apiserver has it (undefined when the pod is gone). */
  readonly podUid: (pod: SyncPod) => Promise<string | undefined>;
  /** A short line when a put goes over exec instead, and why (logged at debug). */
  readonly onFallback?: (line: string) => void;
  /** Whether to try the engine for this pod at all (main.ts: its project's artifact delivery is docker); default yes. */
  readonly useFor?: (pod: SyncPod) => boolean;
  /** How long "this pod's container is not on this engine" is believed, ms. Default 60 s. */
  readonly notHereMs?: number;
}

const podKey = (pod: SyncPod): string => `${pod.namespace}/${pod.pod}/${pod.container}`;

export const createDockerArtifactSyncer = ({ base, engine, podUid, onFallback, useFor, notHereMs = 60_000 }: DockerArtifactSyncerParams): TarSyncer => {
  /** pod key → the engine's container id, or when it was found not to run here. */
  const found = new Map<string, { readonly id: string } | { readonly notHereSince: number }>();

  const locate = async (pod: SyncPod): Promise<string | undefined> => {
    const known = found.get(podKey(pod));
    if (known !== undefined) {
      if ("id" in known) return known.id;
      if (performance.now() - known.notHereSince < notHereMs) return undefined;
    }
    const [uid, candidates] = await Promise.all([podUid(pod), engine.podContainers(pod)]);
    const container = uid === undefined ? undefined : pickPodContainer(candidates, pod, uid);
    found.set(podKey(pod), container === undefined ? { notHereSince: performance.now() } : { id: container.id });
    return container?.id;
  };

  /** Confinement first: a bad name or target is refused whichever way the put would go. */
  const checkedPuts = (params: PutFilesParams): { targetDir: string; puts: PutEntry[]; next: Map<string, ManifestEntry> } => {
    let targetDir: string;
    try {
      targetDir = checkTargetDir(params.targetDir);
    } catch (error) {
      throw new SyncError(`refused to put into ${JSON.stringify(params.targetDir)}: ${error instanceof Error ? error.message : String(error)}`, false);
    }
    return { targetDir, ...planPutFiles(params) };
  };

  /** The put straight into the container, or the reason it cannot go that way. */
  const direct = async (params: PutFilesParams, checked: ReturnType<typeof checkedPuts>, started: number): Promise<SyncResult | string> => {
    const { targetDir, puts, next } = checked;
    let id = await locate(params.pod);
    if (id === undefined) return "the pod's container does not run on this Docker engine";
    let state = await engine.inspect(id);
    if (state?.running !== true) {
      // The container found earlier ended (restarted by the kubelet, or the pod was replaced under the same name):
      // look again once.
      found.delete(podKey(params.pod));
      id = await locate(params.pod);
      if (id === undefined) return "the pod's container does not run on this Docker engine";
      state = await engine.inspect(id);
      if (state?.running !== true) {
        found.delete(podKey(params.pod));
        return `container ${id.slice(0, 12)} does not run`;
      }
    }
    const owner = archiveOwner(state.user);
    if (owner === undefined) return `the container's user "${state.user}" is a name, not a uid`;
    const tarStarted = performance.now();
    // Staged names flat in the target (the engine unpacks like tar -x: remove, then create), renamed over them through
    // the tar syncer's session: a running binary is replaced atomically, never missing or half-written.
    const staged = planStaging(puts);
    const tar = await buildTar(puts, owner, staged);
    const putStarted = performance.now();
    try {
      await engine.putArchive(id, targetDir, tar);
    } catch (error) {
      found.delete(podKey(params.pod));
      return `the engine refused the archive: ${error instanceof Error ? error.message : String(error)}`;
    }
    let execs: number;
    try {
      execs = await base.commitStaged({ pod: params.pod, targetDir, staged });
    } catch (error) {
      // The put over exec stages and renames the files again; what the engine staged is removed by the next listing.
      return `renaming the put files into place failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    const now = performance.now();
    return {
      manifest: next, put: puts.map((p) => p.rel), deleted: [], unchanged: 0, refused: [], bytes: tar.length, execs,
      ms: now - started, via: "docker", phases: { scanMs: 0, tarMs: putStarted - tarStarted, execMs: now - putStarted },
    };
  };

  return {
    ...base,
    async putFiles(params) {
      if (useFor !== undefined && !useFor(params.pod)) return base.putFiles(params);
      const started = performance.now();
      const checked = checkedPuts(params);
      let outcome: SyncResult | string;
      try {
        outcome = await direct(params, checked, started);
      } catch (error) {
        outcome = `the Docker engine failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (typeof outcome !== "string") return outcome;
      onFallback?.(`put into ${params.pod.namespace}/${params.pod.pod}:${params.targetDir} over exec: ${outcome}`);
      return base.putFiles(params);
    },
  };
};
