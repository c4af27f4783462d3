/**
 * Compose secrets and configs → Secret / ConfigMap objects, mounted read-only at their targets through
 * subPath (so only that file appears). Contents come from TranslateOptions (files by absolute path,
 * variables for environment: sources): translation does no I/O.
 */
import type { ComposeProject, FileObjectSpec, ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";
import { Labels, projectLabels, toLabelValue } from "./labels.js";
import { isDnsSubdomain, toDnsLabel } from "./names.js";
import type { PodVolume, VolumeMount } from "./pod-volumes.js";
import type { KubeManifest } from "./types.js";
import type { VolumeNameAllocator } from "./volume-names.js";

export type FileObjectKind = "secret" | "config";

/** Object name: "secret-<name>" / "config-<name>", or the external name for external objects. */
export const fileObjectName = (kind: FileObjectKind, spec: FileObjectSpec | undefined, key: string): string =>
  spec?.external === true ? (isDnsSubdomain(spec.name) ? spec.name : toDnsLabel(spec.name)) : toDnsLabel(`${kind}-${key}`);

/** The data key inside the Secret/ConfigMap: the compose name, restricted to the allowed characters. */
export const dataKey = (key: string): string => key.replace(/[^-._a-zA-Z0-9]/g, "_");

const specsOf = (project: ComposeProject, kind: FileObjectKind): Readonly<Record<string, FileObjectSpec>> =>
  kind === "secret" ? project.secrets : project.configs;

export interface FileObjectMounts {
  readonly volumes: readonly PodVolume[];
  readonly mounts: readonly VolumeMount[];
}

export const planFileObjectMounts = (ctx: TranslateContext, service: ServiceSpec, kind: FileObjectKind, names: VolumeNameAllocator): FileObjectMounts => {
  const refs = kind === "secret" ? service.secrets : service.configs;
  const volumes: PodVolume[] = [];
  const mounts: VolumeMount[] = [];
  refs.forEach((ref, index) => {
    const spec = specsOf(ctx.project, kind)[ref.source];
    const key = dataKey(ref.source);
    const name = names.next(kind, ref.source);
    const items = [{ key, path: key, ...(ref.mode === undefined ? {} : { mode: ref.mode }) }];
    const objectName = fileObjectName(kind, spec, ref.source);
    volumes.push(kind === "secret" ? { name, secret: { secretName: objectName, items } } : { name, configMap: { name: objectName, items } });
    mounts.push({ name, mountPath: ref.target, subPath: key, readOnly: true });
    if (ref.uid !== undefined || ref.gid !== undefined) {
      ctx.report({
        code: TranslateCodes.fileOwner,
        path: `services.${service.name}.${kind}s[${index}]`,
        message: `uid/gid of ${kind} "${ref.source}" are not translated: Kubernetes mounts it owned by root (readable through mode)`,
      });
    }
  });
  return { volumes, mounts };
};

/** The content of a secret or config, or undefined (with a warning) when it was not handed in. */
const contentOf = (ctx: TranslateContext, kind: FileObjectKind, key: string, spec: FileObjectSpec): string => {
  if (spec.content !== undefined) return spec.content;
  if (spec.file !== undefined) {
    const text = ctx.options.files?.[spec.file];
    if (text !== undefined) return text;
  } else if (spec.environment !== undefined) {
    const value = ctx.options.variables?.[spec.environment];
    if (value !== undefined) return value;
  } else if (spec.driver !== undefined) {
    ctx.report({
      code: TranslateCodes.missingContent,
      path: `${kind}s.${key}`,
      message: `${kind} "${key}" comes from the ${spec.driver} driver, which Kubernetes does not have; the ${kind === "secret" ? "Secret" : "ConfigMap"} is rendered empty`,
    });
    return "";
  }
  ctx.report({
    code: TranslateCodes.missingContent,
    path: `${kind}s.${key}`,
    message:
      spec.file !== undefined
        ? `the content of ${kind} "${key}" (${spec.file}) was not available; the ${kind === "secret" ? "Secret" : "ConfigMap"} is rendered empty`
        : `the variable ${spec.environment ?? "?"} for ${kind} "${key}" is not set; the ${kind === "secret" ? "Secret" : "ConfigMap"} is rendered empty`,
  });
  return "";
};

/** The Secret/ConfigMap objects for every secret/config an enabled service uses (external ones excluded). */
export const buildFileObjects = (ctx: TranslateContext, kind: FileObjectKind, used: readonly string[]): { manifests: KubeManifest[]; contents: Record<string, string> } => {
  const manifests: KubeManifest[] = [];
  const contents: Record<string, string> = {};
  for (const key of used) {
    const spec = specsOf(ctx.project, kind)[key];
    if (spec === undefined || spec.external) continue;
    const content = contentOf(ctx, kind, key, spec);
    contents[key] = content;
    const metadata = {
      name: fileObjectName(kind, spec, key),
      namespace: ctx.namespace,
      labels: { ...projectLabels(ctx.project.name), [kind === "secret" ? Labels.secret : Labels.config]: toLabelValue(key) },
    };
    manifests.push(
      kind === "secret"
        ? { apiVersion: "v1", kind: "Secret", metadata, type: "Opaque", stringData: { [dataKey(key)]: content } }
        : { apiVersion: "v1", kind: "ConfigMap", metadata, data: { [dataKey(key)]: content } },
    );
  }
  return { manifests, contents };
};
