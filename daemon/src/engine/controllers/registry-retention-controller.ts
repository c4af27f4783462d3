/**
 * Registry retention (build/registry-retention.ts): after a project whose images go to a registry gets a new built
 * reference, its repository is listed through the RegistryStore port and the images the policy lets go are deleted —
 * never a tag a project of this daemon runs now. One pass per repository at a time; a new push meanwhile runs
 * another pass after it. Nothing here blocks a build or an apply; a failure is a warning in the log.
 */
import type { Clock } from "../../clock/clock.js";
import { planRetention, registryImage } from "../../build/registry-retention.js";
import type { RegistryRepository, RegistryStore } from "../../ports/registry-store.js";
import type { Dispatch } from "../actions.js";
import type { EngineState } from "../state.js";
import type { Controller } from "./controller.js";

export interface RegistryRetentionParams {
  readonly store: RegistryStore;
  readonly clock: Clock;
  /** Content-hash tags kept per repository; 0 turns retention off. */
  readonly keep: number;
  /** Where the pass's line goes (main.ts: the daemon log); default: a log action. */
  readonly onNote?: (project: string, line: string, failed: boolean) => void;
}

/** Every built registry reference the daemon's projects run, as "<host>/<name>" → tags. */
const refsInUse = (state: EngineState): Map<string, Set<string>> => {
  const out = new Map<string, Set<string>>();
  for (const project of Object.values(state.projects)) {
    const delivery = project.delivery?.delivery;
    if (delivery?.strategy !== "registry") continue;
    for (const build of Object.values(project.builds ?? {})) {
      const image = build.ref === undefined ? undefined : registryImage(delivery.registry, build.ref);
      if (image === undefined) continue;
      const key = `${image.host}/${image.name}`;
      out.set(key, (out.get(key) ?? new Set()).add(image.tag));
    }
  }
  return out;
};

export const createRegistryRetentionController = ({ store, clock, keep, onNote }: RegistryRetentionParams): Controller => {
  /** Repository → the newest reference a pass was started for. */
  const seen = new Map<string, string>();
  const running = new Set<string>();
  const again = new Map<string, { repository: RegistryRepository; project: string }>();
  let latest: EngineState | undefined;
  let stopped = false;

  const pass = (key: string, repository: RegistryRepository, project: string, dispatch: Dispatch): void => {
    if (running.has(key)) {
      again.set(key, { repository, project });
      return;
    }
    running.add(key);
    const note = (line: string, failed: boolean): void => {
      if (onNote !== undefined) onNote(project, line, failed);
      else dispatch({ type: "log", source: "registry", level: failed ? "warn" : "info", line, project, at: clock.now() });
    };
    const inUse = latest === undefined ? new Set<string>() : (refsInUse(latest).get(key) ?? new Set<string>());
    void (async () => {
      try {
        const plan = planRetention(await store.list(repository), { keep, inUse });
        for (const { digest } of plan.remove) await store.deleteManifest(repository, digest);
        if (plan.remove.length > 0) {
          const tags = plan.remove.flatMap((r) => r.tags);
          note(`registry ${key}: deleted ${tags.length} old image tag(s) (${tags.join(", ")}), kept ${plan.kept.length}; the registry's garbage collection frees their layers`, false);
        }
      } catch (error) {
        note(`registry ${key}: old images not deleted: ${error instanceof Error ? error.message : String(error)}`, true);
      } finally {
        running.delete(key);
        const next = again.get(key);
        again.delete(key);
        if (next !== undefined && !stopped) pass(key, next.repository, next.project, dispatch);
      }
    })();
  };

  return {
    name: "registry-retention",
    onChange(state, dispatch) {
      latest = state;
      if (stopped || keep <= 0) return;
      for (const project of Object.values(state.projects)) {
        const delivery = project.delivery?.delivery;
        if (delivery?.strategy !== "registry" || project.status === "stopping") continue;
        for (const build of Object.values(project.builds ?? {})) {
          if (build.status !== "built" || build.ref === undefined) continue;
          const image = registryImage(delivery.registry, build.ref);
          if (image === undefined) continue;
          const key = `${image.host}/${image.name}`;
          if (seen.get(key) === build.ref) continue;
          seen.set(key, build.ref);
          pass(key, { host: image.host, name: image.name }, project.name, dispatch);
        }
      }
    },
    stop() {
      stopped = true;
      return Promise.resolve();
    },
  };
};
