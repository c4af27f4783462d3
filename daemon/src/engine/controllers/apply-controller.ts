/**
 * Applies units whose desired hash differs from the applied one, namespace first, then services in depends_on
 * order (selectors.unitsToApply holds the gate), one call per unit at a time; prunes removed services by label.
 * A failed apply is retried with backoff (a tick action wakes the controller); an unreachable cluster pauses it.
 */
import type { ClusterClient } from "../../ports/cluster.js";
import { ClusterError } from "../../ports/cluster.js";
import type { Clock, Timer } from "../../clock/clock.js";
import type { Dispatch } from "../actions.js";
import type { ImageBuilder, ImageCommand } from "../../ports/image-builder.js";
import type { KubeManifest } from "../../translate/types.js";
import { bindWaitImages, withBindWait } from "../bind-wait.js";
import { builtCommands, sidecarBuiltRefs, withBuiltImage } from "../built-image.js";
import { serviceSelector } from "../labels.js";
import { sidecarsOf } from "../service-pods.js";
import { unitManifests } from "../prepare-manifests.js";
import { nextRetryAt, unitsToApply } from "../selectors.js";
import type { EngineState } from "../state.js";
import type { Controller } from "./controller.js";

export const fieldManager = "devloop";
/** What a removed service may have left behind (volumes are namespace-wide and stay). */
export const pruneKinds = ["Deployment", "StatefulSet", "DaemonSet", "Job", "Service", "ConfigMap", "Secret", "Pod"] as const;

export interface ApplyControllerParams {
  readonly cluster: ClusterClient;
  readonly clock: Clock;
  /** Reads an image's ENTRYPOINT/CMD on the local Docker engine (ports/image-builder.ts), for bind-wait.ts. */
  readonly images?: Pick<ImageBuilder, "imageCommand">;
}

/**
 * The images' ENTRYPOINT/CMD a unit's bind waits need beyond the built ones: read on the local engine only when the
 * project's delivery says the kubelet runs on it (what it runs is what is read there); else none (the init stays).
 */
const withEngineCommands = async (manifests: readonly KubeManifest[], known: Readonly<Record<string, ImageCommand>>, sharedEngine: boolean, images: ApplyControllerParams["images"]): Promise<Readonly<Record<string, ImageCommand>>> => {
  const wanted = sharedEngine && images?.imageCommand !== undefined ? bindWaitImages(manifests, known) : [];
  if (wanted.length === 0) return known;
  const read = await Promise.all(wanted.map(async (image) => [image, await images?.imageCommand?.(image).catch(() => undefined)] as const));
  return { ...known, ...Object.fromEntries(read.filter((r): r is readonly [string, ImageCommand] => r[1] !== undefined)) };
};

const describe = (error: unknown): { message: string; transient: boolean } =>
  error instanceof ClusterError ? { message: error.message, transient: error.transient } : { message: error instanceof Error ? error.message : String(error), transient: false };

export const createApplyController = ({ cluster, clock, images }: ApplyControllerParams): Controller => {
  const inFlight = new Set<string>();
  let wake: { at: number; timer: Timer } | undefined;

  return {
    name: "apply",
    onChange(state: EngineState, dispatch: Dispatch) {
      if (!state.cluster.reachable) return;
      const now = clock.now();
      let earliest: number | undefined;
      for (const project of Object.values(state.projects)) {
        const loaded = project.loaded;
        if (!loaded || project.status !== "active") continue;
        for (const unit of unitsToApply(project, now)) {
          const key = `${project.name}/${unit}`;
          const hash = project.units[unit]?.desiredHash;
          if (inFlight.has(key) || hash === undefined) continue;
          const build = project.builds?.[unit];
          const own = unitManifests(loaded.manifests, unit, loaded.services);
          // A service with build: runs the reference it was built as (selectors gate the apply until then), and so
          // does each sidecar with build: in its pod (under the supervisor only when its own live rules restart it).
          // A joined pod's template carries the supervise mark of each of its services: only a service whose own
          // live rules restart its process gets its image's command under the supervisor.
          const joined = sidecarsOf(loaded.manifests, unit).length > 0;
          const command = joined && loaded.live?.[unit]?.restart !== "process" ? undefined : build?.command;
          let manifests = build?.ref === undefined ? own : withBuiltImage(own, build.image, build.ref, hash, command);
          for (const sidecar of Object.keys(sidecarBuiltRefs(loaded.manifests, unit, project.builds))) {
            const b = project.builds?.[sidecar];
            if (b?.ref === undefined) continue;
            manifests = withBuiltImage(manifests, b.image, b.ref, hash, loaded.live?.[sidecar]?.restart === "process" ? b.command : undefined);
          }
          // The app containers that can wait for their bind fill themselves do (bind-wait.ts): by the built images'
          // ENTRYPOINT/CMD where translate did not know the command line, or the shared engine's for other images.
          const built = builtCommands(project.builds, [unit, ...Object.keys(sidecarBuiltRefs(loaded.manifests, unit, project.builds))]);
          // Whether the kubelet runs on the local engine is the load's delivery decision: wait for it (a deliveryDecided
          // action runs this again), so the first apply is the one that stays.
          const undecided = (project.delivery?.generation ?? 0) < (project.loadedGeneration ?? 0);
          if (undecided && images?.imageCommand !== undefined && bindWaitImages(manifests, built).length > 0) continue;
          inFlight.add(key);
          dispatch({ type: "applyStarted", project: project.name, unit, inputHash: hash });
          const unitManifestsBuilt = manifests;
          withEngineCommands(unitManifestsBuilt, built, project.delivery?.delivery?.strategy === "docker", images)
            .then((commands) => cluster.apply(withBindWait(unitManifestsBuilt, commands), { fieldManager, recreateImmutable: true }))
            .then(() => dispatch({ type: "applyFinished", project: project.name, unit, inputHash: hash, at: clock.now() }))
            .catch((error: unknown) => {
              const { message, transient } = describe(error);
              dispatch({ type: "applyFinished", project: project.name, unit, inputHash: hash, error: message, transient, at: clock.now() });
              if (transient) dispatch({ type: "clusterUnreachable", message, at: clock.now() });
              dispatch({ type: "log", source: "apply", level: "error", line: message, project: project.name, service: unit, at: clock.now() });
            })
            .finally(() => inFlight.delete(key));
        }
        for (const service of project.prune) {
          const key = `${project.name}/prune/${service}`;
          if (inFlight.has(key)) continue;
          inFlight.add(key);
          cluster
            .deleteByLabel(loaded.namespace, serviceSelector(project.name, service), pruneKinds)
            .then(() => dispatch({ type: "servicePruned", project: project.name, service }))
            .catch((error: unknown) => {
              const { message } = describe(error);
              dispatch({ type: "servicePruned", project: project.name, service, error: message });
              dispatch({ type: "log", source: "prune", level: "error", line: message, project: project.name, service, at: clock.now() });
            })
            .finally(() => inFlight.delete(key));
        }
        const retry = nextRetryAt(project);
        if (retry !== undefined && retry > now) earliest = Math.min(earliest ?? retry, retry);
      }
      if (earliest !== undefined && (wake === undefined || wake.at > earliest)) {
        wake?.timer.cancel();
        const at = earliest;
        wake = { at, timer: clock.setTimeout(() => { wake = undefined; dispatch({ type: "tick", at }); }, Math.max(0, at - now)) };
      }
    },
    stop() {
      wake?.timer.cancel();
      return Promise.resolve();
    },
  };
};
