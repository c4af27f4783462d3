/**
 * `devloop render --as-applied`: the manifests as `devloop up` applies them, not only as translate writes them — the
 * Namespace, the isolation defaults (NetworkPolicy, LimitRange 1 CPU / 1Gi default limits, ResourceQuota), devloop's
 * labels and input-hash annotations (engine/prepare-manifests.ts), and, for services with build:, the content-hash
 * tag and the supervisor's command line completed from the image's ENTRYPOINT/CMD (engine/built-image.ts). Those two
 * exist only once the image is built: they come from the daemon when it runs this project in this namespace;
 * otherwise a note says what replaces what at apply. And the app containers that wait for their bind fill themselves
 * instead of the devloop-bind init container (engine/bind-wait.ts).
 */
import { imageBuildRequest } from "../../daemon/src/build/build-request.js";
import type { ComposeProject } from "../../daemon/src/compose/types.js";
import type { PublicBuild } from "../../daemon/src/api/types.js";
import { bindWaitImages, withBindWait } from "../../daemon/src/engine/bind-wait.js";
import { builtCommands, builtUnitHash, withBuiltImage } from "../../daemon/src/engine/built-image.js";
import { prepareManifests, unitManifests } from "../../daemon/src/engine/prepare-manifests.js";
import { namespaceUnit } from "../../daemon/src/engine/state.js";
import type { KubeManifest } from "../../daemon/src/translate/types.js";

export interface AsAppliedParams {
  readonly project: ComposeProject;
  readonly namespace: string;
  readonly manifests: readonly KubeManifest[];
  readonly isolation: boolean;
  /** The daemon's builds of this project in this namespace, by service, when it runs it. */
  readonly builds: Readonly<Record<string, PublicBuild>>;
  /**
   * Fold the devloop-bind init containers into the app containers that can wait themselves, as the apply does
   * (engine/bind-wait.ts); default true. `devloop run` keeps them: its pod replaces the command.
   */
  readonly bindWait?: boolean;
}

export interface AsApplied {
  readonly manifests: readonly KubeManifest[];
  /** What could not be shown exactly (a build: service whose image is not built yet). */
  readonly notes: readonly string[];
}

export const asApplied = ({ project, namespace, manifests, isolation, builds, bindWait = true }: AsAppliedParams): AsApplied => {
  const services = Object.keys(project.services);
  const prepared = prepareManifests({ project: project.name, namespace, services, manifests, isolation });
  const notes: string[] = [];
  // The Namespace first, as it is created first (the rest of its unit lives in it).
  const shared = unitManifests(prepared.manifests, namespaceUnit, services);
  const out: KubeManifest[] = [...shared.filter((m) => m.kind === "Namespace"), ...shared.filter((m) => m.kind !== "Namespace")];
  for (const service of services) {
    const own = unitManifests(prepared.manifests, service, services);
    const spec = project.services[service];
    const request = spec === undefined ? undefined : imageBuildRequest(project, spec);
    const build = builds[service];
    const hash = prepared.hashes[service];
    const folded = (ms: readonly KubeManifest[]): readonly KubeManifest[] => (bindWait ? withBindWait(ms, builtCommands(builds, services)) : ms);
    if (request === undefined || hash === undefined) {
      out.push(...folded(own));
      const engineImages = bindWaitImages(folded(own), {});
      if (bindWait && engineImages.length > 0) notes.push(`${service}: devloop-bind is folded into its container at apply when the cluster runs on the local Docker engine and ${engineImages.join(", ")} is there (its ENTRYPOINT/CMD read from it); shown here as translate writes it`);
    } else if (build?.ref !== undefined && build.image === request.image) {
      out.push(...folded(withBuiltImage(own, request.image, build.ref, builtUnitHash(hash, build.ref), build.command)));
    } else {
      out.push(...folded(own));
      notes.push(`${service}: image ${request.image} is replaced at apply by its content-hash tag (${request.image.replace(/:[^:/]*$/, "")}:dl-<12 hex>)${own.some((m) => JSON.stringify(m).includes("supervise-image-command")) ? " and its command completed from the image's ENTRYPOINT/CMD under the supervisor" : ""}${folded(own).some((m) => JSON.stringify(m).includes('"name":"devloop-bind"')) ? ", and devloop-bind folded into its container, which waits for the bind fill itself" : ""}; run devloop up to build it, then render --as-applied shows both`);
    }
  }
  return { manifests: out, notes };
};
