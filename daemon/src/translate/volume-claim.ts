/** A named volume → PersistentVolumeClaim (size from volumes.<name>.x-devloop.size, default 1Gi). */
import type { ComposeProject } from "../compose/types.js";
import { stringField, xDevloop } from "./devloop-extension.js";
import { Labels, projectLabels, toLabelValue } from "./labels.js";
import { isDnsSubdomain, toDnsLabel } from "./names.js";
import type { KubeManifest } from "./types.js";

export const DEFAULT_VOLUME_SIZE = "1Gi";

/** The claim a volume key refers to: the external name for external volumes, else the key as a DNS label. */
export const claimName = (project: ComposeProject, key: string): string => {
  const spec = project.volumes[key];
  return spec?.external === true ? (isDnsSubdomain(spec.name) ? spec.name : toDnsLabel(spec.name)) : toDnsLabel(key);
};

/** The PVC for a named volume, or undefined for an external one (it must already exist). */
export const buildClaim = (project: ComposeProject, key: string, namespace: string): KubeManifest | undefined => {
  const spec = project.volumes[key];
  if (spec?.external === true) return undefined;
  const ext = xDevloop(spec?.extensions ?? {});
  const storageClass = stringField(ext, "storageClass");
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: claimName(project, key),
      namespace,
      labels: { ...projectLabels(project.name), [Labels.volume]: toLabelValue(key) },
    },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(storageClass === undefined ? {} : { storageClassName: storageClass }),
      resources: { requests: { storage: stringField(ext, "size") ?? DEFAULT_VOLUME_SIZE } },
    },
  };
};
