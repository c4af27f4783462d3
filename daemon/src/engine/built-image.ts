/**
 * A built image in the manifests: the unit hash mixes in the built reference (so a new content-hash tag means a new
 * desired hash → apply → rollout), and at apply the expected image name is replaced by that reference.
 */
import type { ImageCommand } from "../ports/image-builder.js";
import { superviseImageCommandAnnotation, supervised } from "../supervisor/supervisor.js";
import { escapeKubeExpansion } from "../translate/escape.js";
import type { KubeManifest } from "../translate/types.js";
import { inputHash } from "./input-hash.js";
import { inputHashAnnotation } from "./labels.js";
import { sidecarsOf } from "./service-pods.js";

/**
 * A unit's desired hash: its manifests' hash with the built reference mixed in, and those of its sidecars that have
 * build: (they run in its pod, so a new sidecar image is a new pod template). Without built sidecars the hash is
 * the one it always was, so hashes persisted by an older daemon still match.
 */
export const builtUnitHash = (baseHash: string, ref: string | undefined, sidecarRefs: Readonly<Record<string, string>> = {}): string =>
  Object.keys(sidecarRefs).length > 0 ? inputHash({ baseHash, ref: ref ?? "", sidecars: sidecarRefs }) : ref === undefined ? baseHash : inputHash({ baseHash, ref });

/** The built references of the sidecars (engine/service-pods.ts) of `unit` that have one, by sidecar. */
export const sidecarBuiltRefs = (manifests: readonly KubeManifest[], unit: string, builds: Readonly<Record<string, { readonly ref?: string }>> | undefined): Readonly<Record<string, string>> =>
  Object.fromEntries(sidecarsOf(manifests, unit).flatMap((s) => (builds?.[s]?.ref === undefined ? [] : [[s, builds[s].ref]])));

/** The built images' ENTRYPOINT/CMD by the reference they were built as, for `services` that have them (bind-wait.ts). */
export const builtCommands = (builds: Readonly<Record<string, { readonly ref?: string; readonly command?: ImageCommand }>> | undefined, services: readonly string[]): Readonly<Record<string, ImageCommand>> =>
  Object.fromEntries(services.flatMap((s) => {
    const b = builds?.[s];
    return b?.ref === undefined || b.command === undefined ? [] : [[b.ref, b.command]];
  }));

/** The $0 of the supervisor's sh -c (supervisor/supervisor.ts supervised()). */
const supervisorName = supervised([]).command[3];

interface Container {
  readonly image?: unknown;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
}
interface PodSpec {
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
}

const swap = (containers: readonly Container[] | undefined, image: string, ref: string): readonly Container[] | undefined =>
  containers?.map((c) => (c.image === image ? { ...c, image: ref } : c));

const supervise = (template: { metadata?: { annotations?: Readonly<Record<string, string>> } }, spec: PodSpec, ref: string, command: ImageCommand | undefined): PodSpec =>
  command !== undefined && template.metadata?.annotations?.[superviseImageCommandAnnotation] === "true" ? superviseWith(spec, ref, command) : spec;

const swapPodSpec = (spec: PodSpec, image: string, ref: string): PodSpec => {
  const containers = swap(spec.containers, image, ref);
  const initContainers = swap(spec.initContainers, image, ref);
  return { ...spec, ...(containers === undefined ? {} : { containers }), ...(initContainers === undefined ? {} : { initContainers }) };
};

/**
 * A pod template translate marked (superviseImageCommandAnnotation) runs its app container under the supervisor; its
 * argv is the image's ENTRYPOINT + (the compose command, already in args, or the image's CMD).
 */
const superviseWith = (spec: PodSpec, ref: string, command: ImageCommand): PodSpec => ({
  ...spec,
  containers: spec.containers?.map((c) => {
    // Already under the supervisor (translate wrapped the compose command): once is enough.
    if (c.image !== ref || c.command?.[3] === supervisorName) return c;
    const argv = [...command.entrypoint.map(escapeKubeExpansion), ...(c.args ?? command.cmd.map(escapeKubeExpansion))];
    return argv.length === 0 ? c : { ...c, ...supervised(argv) };
  }),
});

/**
 * Replaces `image` by `ref` in every pod template (and bare Pod), stamps `hash` as the workload's input hash, and
 * completes the supervised command line of marked templates from the built image's `command`.
 */
export const withBuiltImage = (manifests: readonly KubeManifest[], image: string, ref: string, hash: string, command?: ImageCommand): readonly KubeManifest[] =>
  manifests.map((m) => {
    const spec = m["spec"] as { template?: { spec?: PodSpec; metadata?: { annotations?: Readonly<Record<string, string>> } } } & PodSpec | undefined;
    if (spec === undefined) return m;
    if (m.kind === "Pod") return { ...m, spec: swapPodSpec(spec, image, ref) };
    if (spec.template?.spec === undefined) return m;
    const stamped = m.metadata.annotations?.[inputHashAnnotation] !== undefined;
    const annotations = stamped ? { ...m.metadata.annotations, [inputHashAnnotation]: hash } : m.metadata.annotations;
    // The pods carry the hash too (prepare-manifests.withInputHash): the built ref's hash replaces the base one.
    const template = stamped ? { ...spec.template, metadata: { ...spec.template.metadata, annotations: { ...spec.template.metadata?.annotations, [inputHashAnnotation]: hash } } } : spec.template;
    return {
      ...m,
      metadata: { ...m.metadata, ...(annotations === undefined ? {} : { annotations }) },
      spec: { ...spec, template: { ...template, spec: supervise(spec.template, swapPodSpec(spec.template.spec, image, ref), ref, command) } },
    };
  });
