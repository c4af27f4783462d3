/**
 * A built image in the manifests: the unit hash mixes in the built reference (so a new content-hash tag means a new
 * desired hash → apply → rollout), and at apply the expected image name is replaced by that reference.
 */
import type { KubeManifest } from "../translate/types.js";
import { inputHash } from "./input-hash.js";
import { inputHashAnnotation } from "./labels.js";

export const builtUnitHash = (baseHash: string, ref: string | undefined): string => (ref === undefined ? baseHash : inputHash({ baseHash, ref }));

interface Container {
  readonly image?: unknown;
}
interface PodSpec {
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
}

const swap = (containers: readonly Container[] | undefined, image: string, ref: string): readonly Container[] | undefined =>
  containers?.map((c) => (c.image === image ? { ...c, image: ref } : c));

const swapPodSpec = (spec: PodSpec, image: string, ref: string): PodSpec => {
  const containers = swap(spec.containers, image, ref);
  const initContainers = swap(spec.initContainers, image, ref);
  return { ...spec, ...(containers === undefined ? {} : { containers }), ...(initContainers === undefined ? {} : { initContainers }) };
};

/** Replaces `image` by `ref` in every pod template (and bare Pod) and stamps `hash` as the workload's input hash. */
export const withBuiltImage = (manifests: readonly KubeManifest[], image: string, ref: string, hash: string): readonly KubeManifest[] =>
  manifests.map((m) => {
    const spec = m["spec"] as { template?: { spec?: PodSpec } } & PodSpec | undefined;
    if (spec === undefined) return m;
    if (m.kind === "Pod") return { ...m, spec: swapPodSpec(spec, image, ref) };
    if (spec.template?.spec === undefined) return m;
    const annotations = m.metadata.annotations?.[inputHashAnnotation] === undefined ? m.metadata.annotations : { ...m.metadata.annotations, [inputHashAnnotation]: hash };
    return {
      ...m,
      metadata: { ...m.metadata, ...(annotations === undefined ? {} : { annotations }) },
      spec: { ...spec, template: { ...spec.template, spec: swapPodSpec(spec.template.spec, image, ref) } },
    };
  });
