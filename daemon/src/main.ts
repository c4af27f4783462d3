/**
 * The daemon process: wires adapters → engine → server. One per user and machine (a lock in the state
 * directory), serving several projects; 127.0.0.1 only, token-guarded; state persisted atomically so a restart
 * resumes without duplicating or orphaning anything. SIGTERM/SIGINT close everything via Promise.allSettled.
 * Started by `devloop daemon` (cli/src/commands/daemon.ts), usually detached by the CLI itself.
 */
import { availableParallelism } from "node:os";
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unwatchFile, watchFile, writeFileSync } from "node:fs";
import type { Stats } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createChokidarWatcher } from "./adapters/chokidar-watcher.js";
import { createDirWatcher } from "./adapters/dir-watcher.js";
import { createDockerodeCompiler } from "./adapters/dockerode-compiler.js";
import { createDockerodeImageBuilder } from "./adapters/dockerode-image-builder.js";
import { createArmedExec } from "./adapters/armed-exec.js";
import { createDockerArtifactSyncer, dockerodeArchiveEngine } from "./adapters/docker-artifact-syncer.js";
import { createNodeDiskVolumes } from "./adapters/node-disk-volumes.js";
import { createDeliveryPlanner } from "./adapters/delivery-planner.js";
import { createRegistryHttpStore } from "./adapters/registry-http.js";
import { withRegistryPullSecret } from "./adapters/registry-pull-secret.js";
import { createFileManifestStore } from "./adapters/file-manifest-store.js";
import { createKubePuller } from "./adapters/kube-puller.js";
import { createTarSyncer } from "./adapters/tar-syncer.js";
import { createIdleCollector, exposedGc } from "./adapters/idle-collect.js";
import { createIsolatedProjectLoader, loadLimitsFromEnv, startCliWorker } from "./adapters/isolated-project-loader.js";
import { loadKubeConfig } from "./adapters/kube-cluster.js";
import { createKubeTargets, createRoutingKube, projectTargets } from "./adapters/kube-targets.js";
import { tcpPortListener } from "./adapters/tcp-port-listener.js";
import { probeHealth } from "./api/health-probe.js";
import { processState } from "./api/process-state.js";
import type { DaemonInfo } from "./api/state-dir.js";
import { daemonVersion, stateDir as defaultStateDir, stateFiles } from "./api/state-dir.js";
import { createApplyController } from "./engine/controllers/apply-controller.js";
import { createBuildController } from "./engine/controllers/build-controller.js";
import { createClusterHealthController } from "./engine/controllers/cluster-health-controller.js";
import type { WatchFiles } from "./engine/controllers/config-controller.js";
import { createConfigController } from "./engine/controllers/config-controller.js";
import { createDependentRestartController } from "./engine/controllers/dependent-restart-controller.js";
import { createRegistryRetentionController } from "./engine/controllers/registry-retention-controller.js";
import { createDownController } from "./engine/controllers/down-controller.js";
import { createPortForwardController } from "./engine/controllers/port-forward-controller.js";
import { createSyncController } from "./engine/controllers/sync-controller.js";
import { createWatchController } from "./engine/controllers/watch-controller.js";
import { createStabilityController } from "./engine/controllers/stability-controller.js";
import { createFailureController } from "./engine/controllers/failure-controller.js";
import type { Engine } from "./engine/engine.js";
import { createEngine } from "./engine/engine.js";
import type { DeliveryState, EngineState } from "./engine/state.js";
import { createLogger } from "./log/logger.js";
import { DEFAULT_REGISTRY_KEEP } from "./build/registry-retention.js";
import type { Clock } from "./clock/clock.js";
import { systemClock } from "./clock/clock.js";
import type { FileWatcher } from "./ports/file-watcher.js";
import { createApp } from "./server/app.js";
import { DevloopError } from "./errors/devloop-error.js";
import { RuntimeCodes } from "./errors/runtime-codes.js";
import { boundPort, listenWithFallback } from "./server/listen.js";
import { readStateFile, writeStateFile } from "./server/state-file.js";
import { ruleFilter, sourceFilter } from "./sync/rule-filter.js";

export interface DaemonOptions {
  readonly stateDir?: string;
  readonly context?: string;
  /** 0 = any free port. */
  readonly port?: number;
}

export interface RunningDaemon {
  readonly port: number;
  readonly engine: Engine;
  close(): Promise<void>;
}

/** Why this daemon cannot start that is not a bug: another one holds the lock (the CLI reports it as exit 1). */
export class DaemonStartError extends DevloopError {
  override readonly name = "DaemonStartError";
  protected readonly defaultCode = RuntimeCodes.daemonStart.code;
}

/** Does a daemon answer on the port daemon.json names, and is it `pid`? (An unauthenticated answer counts.) */
const answers = async (files: ReturnType<typeof stateFiles>, pid: number): Promise<boolean> => {
  let info: Partial<DaemonInfo>;
  try {
    info = JSON.parse(readFileSync(files.daemon, "utf8")) as Partial<DaemonInfo>;
  } catch {
    return false;
  }
  if (typeof info.port !== "number" || info.port <= 0) return false;
  const answer = await probeHealth(info.port, readFileIfAny(files.token)?.trim(), 1500);
  return answer !== undefined && (answer.pid === undefined || answer.pid === pid);
};

/** A holder that is alive but not answering yet may still be starting; after this long it is taken as hung. */
const startingGraceMs = 15_000;
/** How long a live holder must stay silent on its health check (probes of up to 1.5 s, back to back) to be taken as hung. */
const hungAfterMs = 20_000;

/**
 * Takes the per-user lock. A lock whose holder is dead or a zombie (kill -9) is taken over at once; so is one
 * whose holder lives but has not answered its health check for startingGraceMs (hung, or a reused pid).
 * Returns why an old lock was taken over, for the log.
 */
const takeLock = async (files: ReturnType<typeof stateFiles>): Promise<string | undefined> => {
  const path = files.lock;
  let note: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return note;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileIfAny(path)?.trim() ?? "");
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid) {
        const state = processState(holder);
        if (state === "alive") {
          // A busy daemon on a loaded machine may be slow to answer (at load ~28 with 10 projects, three 1.5 s tries
          // once killed a working daemon): a live holder is taken as hung only after hungAfterMs of silence.
          const silentSince = Date.now();
          for (;;) {
            if (await answers(files, holder)) throw new DaemonStartError(`a devloop daemon is already running (pid ${holder})`);
            if (processState(holder) !== "alive" || Date.now() - silentSince >= hungAfterMs) break;
            const age = Date.now() - (statIfAny(path)?.mtimeMs ?? 0);
            if (age < startingGraceMs) throw new DaemonStartError(`a devloop daemon is starting (pid ${holder}); try again in a few seconds`);
            await new Promise((r) => setTimeout(r, 250));
          }
          // Two daemons must never drive the same projects: a hung devloop is ended; a reused pid is left alone.
          const alive = processState(holder) === "alive";
          const ours = alive && (readFileIfAny(`/proc/${holder}/cmdline`)?.includes("devloop") ?? false);
          if (ours) {
            try {
              process.kill(holder, "SIGKILL");
            } catch {
              // gone meanwhile
            }
          }
          note = !alive
            ? `took over the lock of daemon pid ${holder} (it ended while silent on its health check)`
            : `took over the lock of daemon pid ${holder}: alive but silent on its health check for ${hungAfterMs / 1000} s${ours ? " (killed it)" : " (not a devloop process: a reused pid)"}`;
        } else note = `took over the lock of daemon pid ${holder} (${state === "zombie" ? "a zombie: killed, not yet reaped" : "no longer running"})`;
      }
      rmSync(path, { force: true });
    }
  }
  throw new DaemonStartError(`cannot take the daemon lock ${path}: another daemon took it meanwhile`);
};

const statIfAny = (path: string): Stats | undefined => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};

/** Removes a file only while it still names this process (a daemon that took over owns it now). */
const removeIfOurs = (path: string, ours: (text: string) => boolean): void => {
  const text = readFileIfAny(path);
  if (text !== undefined && ours(text)) rmSync(path, { force: true });
};

/**
 * The state directory holds the token: only its owner may enter it (0700), and its files are 0600 — also when an
 * older devloop, or a umask, left them wider.
 */
const lockDown = (dir: string, files: ReturnType<typeof stateFiles>): void => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const file of [files.token, files.daemon, files.state, files.log, files.port, files.lock]) {
    try {
      chmodSync(file, 0o600);
    } catch {
      // not there yet
    }
  }
};

const readFileIfAny = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

const readOrCreateToken = (path: string): string => {
  try {
    const token = readFileSync(path, "utf8").trim();
    if (token.length >= 32) return token;
  } catch {
    // first start
  }
  const token = randomBytes(32).toString("hex");
  writeFileSync(`${path}.tmp`, token, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  return token;
};

/** DEVLOOP_REGISTRY_KEEP: content-hash tags kept per registry repository (0: never delete); default 10. */
const registryKeep = (env: NodeJS.ProcessEnv): number => {
  const n = Number(env["DEVLOOP_REGISTRY_KEEP"] ?? "");
  return env["DEVLOOP_REGISTRY_KEEP"] === undefined || env["DEVLOOP_REGISTRY_KEEP"] === "" || !Number.isInteger(n) || n < 0 ? DEFAULT_REGISTRY_KEEP : n;
};

/** fs.watch per directory on Linux (one inotify watch per directory, not per file: P4); chokidar elsewhere. */
const fileWatcher = (clock: Clock): FileWatcher => (process.platform === "linux" ? createDirWatcher({ clock }) : createChokidarWatcher({ clock }));

const pollFiles: WatchFiles = (files, onChange) => {
  const listeners = files.map((file) => {
    const listener = (curr: { mtimeMs: number }, prev: { mtimeMs: number }): void => {
      if (curr.mtimeMs !== prev.mtimeMs) onChange(file);
    };
    watchFile(file, { interval: 500, persistent: false }, listener);
    return { file, listener };
  });
  return { stop: () => Promise.resolve(listeners.forEach(({ file, listener }) => unwatchFile(file, listener))) };
};

export const startDaemon = async (options: DaemonOptions = {}): Promise<RunningDaemon> => {
  const dir = options.stateDir ?? defaultStateDir();
  const files = stateFiles(dir);
  lockDown(dir, files);
  const takenOver = await takeLock(files);
  try {
    return await startLocked(dir, files, options, takenOver);
  } catch (error) {
    removeIfOurs(files.lock, (text) => text.trim() === String(process.pid));
    throw error;
  }
};

const startLocked = async (dir: string, files: ReturnType<typeof stateFiles>, options: DaemonOptions, takenOver: string | undefined): Promise<RunningDaemon> => {
  const token = readOrCreateToken(files.token);
  const ref: { engine?: Engine } = {};
  const log = createLogger({ scope: "daemon", file: files.log, dispatch: () => ref.engine && ((action) => ref.engine?.dispatch(action)) });
  if (takenOver !== undefined) log.warn(takenOver);
  const kubeConfig = loadKubeConfig(options.context);
  // Each project runs under the kubeconfig and context its `up` was made with; the daemon's own only as a fallback.
  const own = { ...(process.env["KUBECONFIG"] ? { kubeconfig: process.env["KUBECONFIG"] } : {}), ...(options.context === undefined ? {} : { context: options.context }) };
  const targets = createKubeTargets({ onNote: (target, line) => log.warn(`context ${target.context}: ${line}`), fallback: own });
  const owners = projectTargets(() => ref.engine?.getState().projects ?? {}, own);
  const { cluster, exec, openStream, podUid, readPod } = createRoutingKube(targets, owners.targetOf, owners.inUse);
  // Each load runs in a worker thread with a heap and a time limit (the project loader and the doctor, load-worker.ts):
  // a project whose load blows up gets a diagnostic, and the daemon and its other projects go on.
  const loader = createIsolatedProjectLoader({ startWorker: (limits) => startCliWorker(limits), limits: loadLimitsFromEnv(process.env), onNote: (line) => log.debug(line) });
  // How built images reach the cluster is decided per project, for each load, under its own target (the build
  // controller asks the planner); the registry's credentials go to the push and to the project's pull Secret.
  const planner = createDeliveryPlanner({ kubeConfigOf: (target) => targets.bundle(target).kubeConfig });
  const builder = createDockerodeImageBuilder({ registryAuthFor: (registry) => planner.pushAuth(registry) });
  const deliveryIn = (namespace: string): DeliveryState | undefined => owners.projectIn(namespace)?.delivery;
  const applyCluster = withRegistryPullSecret(cluster, (namespace) => {
    const delivery = deliveryIn(namespace)?.delivery;
    return delivery?.strategy === "registry" ? planner.pullSecret(delivery.registry) : undefined;
  });
  const clock = systemClock;
  const idleCollector = createIdleCollector({ collect: exposedGc() });
  const tarSyncer = createTarSyncer({ exec, openStream, afterBigPayload: idleCollector.afterBigPayload });
  // A compiled artifact goes by the Docker archive route (checked per pod) for a project whose images go through this
  // engine, over exec otherwise (DEVLOOP_ARTIFACT_DELIVERY overrides; engine/project-delivery.ts).
  const syncer = createDockerArtifactSyncer({
    base: tarSyncer, engine: dockerodeArchiveEngine(), podUid, onFallback: (line) => log.debug(line),
    useFor: (pod) => deliveryIn(pod.namespace)?.artifacts?.strategy === "docker",
  });
  const armExec = createArmedExec(openStream, exec);
  const compiler = createDockerodeCompiler();

  let lastPersisted: EngineState["projects"] | undefined;
  let persistTimer: NodeJS.Timeout | undefined;
  let lastJson: string | undefined;
  const persist = (): void => {
    persistTimer = undefined;
    const projects = ref.engine?.getState().projects;
    if (!projects || projects === lastPersisted) return;
    lastPersisted = projects;
    try {
      lastJson = writeStateFile(files.state, Object.values(projects), lastJson);
    } catch (error) {
      log.error(`cannot write ${files.state}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const engine = createEngine({
    clock,
    controllers: [
      createConfigController({ loader, watchFiles: pollFiles }),
      createBuildController({
        builder, clock, parallel: Math.max(1, availableParallelism()), planner, daemonEnv: process.env,
        onDecided: (project, line, failed) => (failed ? log.error(line, { project }) : log.info(line, { project })),
      }),
      createApplyController({ cluster: applyCluster, clock, images: builder }),
      // Old content-hash tags of a registry delivery are deleted from the registry (build/registry-retention.ts).
      createRegistryRetentionController({
        store: createRegistryHttpStore({ credentials: (host) => planner.hostAuth(host) }), clock, keep: registryKeep(process.env),
        onNote: (project, line, failed) => (failed ? log.warn(line, { project }) : log.info(line, { project })),
      }),
      createWatchController({ cluster, clock }),
      createStabilityController({ clock }),
      createFailureController({ cluster, clock }),
      createClusterHealthController({ cluster, clock }),
      createDownController({ cluster, clock }),
      createDependentRestartController({ clock }),
      createPortForwardController({ cluster, listener: tcpPortListener, clock }),
      createSyncController({
        watcher: fileWatcher(clock), syncer, compiler, exec, armExec, cluster, clock, ruleFilter, sourceFilter,
        puller: createKubePuller({ exec }),
        // A bind's first fill goes through this machine's disk when the pod's kubelet runs here (DEVLOOP_BIND_FILL=exec: never).
        ...(process.env["DEVLOOP_BIND_FILL"] === "exec" ? {} : { nodeVolumes: createNodeDiskVolumes({ readPod }) }),
        manifests: createFileManifestStore({ dir: join(dir, "sync"), onError: (line) => log.warn(line) }),
        ...(process.env["DEVLOOP_PULL_INTERVAL_MS"] ? { pullIntervalMs: Number(process.env["DEVLOOP_PULL_INTERVAL_MS"]) } : {}),
      }),
    ],
    onBatch: (state) => {
      if (state.projects !== lastPersisted) persistTimer ??= setTimeout(persist, 100);
    },
    onControllerError: (name, error) => log.error(`controller ${name} failed: ${error instanceof Error ? error.message : String(error)}`),
  });
  ref.engine = engine;

  const restored = readStateFile(files.state);
  if (restored.length > 0) {
    engine.dispatch({ type: "stateRestored", projects: restored });
    log.info(`resuming ${restored.length} project(s): ${restored.map((p) => p.name).join(", ")}`);
  }

  const startedAt = Date.now();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      log.info("shutting down");
      const results = await Promise.allSettled([
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
        engine.stop().then(async () => {
          syncer.close();
          idleCollector.close();
          await compiler.close();
          await loader.close();
        }),
      ]);
      if (persistTimer) clearTimeout(persistTimer);
      lastPersisted = undefined;
      lastJson = undefined;
      persist();
      for (const r of results) if (r.status === "rejected") log.error(`shutdown: ${String(r.reason)}`);
      removeIfOurs(files.daemon, (text) => text.includes(`"pid":${process.pid},`));
      removeIfOurs(files.lock, (text) => text.trim() === String(process.pid));
    })();
    return closing;
  };

  const app = createApp({
    engine,
    cluster,
    token,
    daemon: { pid: process.pid, startedAt, version: daemonVersion },
    ...(options.context === undefined ? {} : { context: options.context }),
    targets,
    log,
    publicDir: fileURLToPath(new URL("./server/public/", import.meta.url)),
    onShutdownRequested: () => void close().then(() => process.exit(0)),
  });
  const explicitEnv = process.env["DEVLOOP_PORT"];
  const explicit = options.port ?? (explicitEnv === undefined || explicitEnv === "" ? undefined : Number(explicitEnv));
  const previous = Number(readFileIfAny(files.port)?.trim() ?? "0");
  // The last daemon's port when it is free (an open dashboard reconnects to the same address), else any free port.
  const server = await listenWithFallback(app, {
    ...(explicit === undefined ? {} : { explicit }),
    previous,
    onFallback: (p, reason) => log.info(`port ${p} (the previous daemon's) is taken (${reason}); listening on another`),
  }).catch(async (error: unknown) => {
    await engine.stop().catch(() => undefined);
    throw error;
  });
  const port = boundPort(server);
  writeFileSync(files.port, String(port), { mode: 0o600 });
  const info: DaemonInfo = { pid: process.pid, port, version: daemonVersion, startedAt };
  writeFileSync(`${files.daemon}.tmp`, JSON.stringify(info), { mode: 0o600 });
  renameSync(`${files.daemon}.tmp`, files.daemon);
  log.info(`listening on 127.0.0.1:${port} (state ${dir}, cluster ${kubeConfig.getCurrentCluster()?.server ?? "?"}; image delivery is decided per project, under its context)`);
  return { port, engine, close };
};

/** Runs until SIGTERM/SIGINT; used by `devloop daemon`. */
export const runDaemon = async (options: DaemonOptions = {}): Promise<number> => {
  const daemon = await startDaemon(options);
  await new Promise<void>((resolve) => {
    const stop = (): void => void daemon.close().then(resolve, resolve);
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  return 0;
};
