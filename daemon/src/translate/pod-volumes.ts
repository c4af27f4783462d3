/**
 * A service's volumes and tmpfs → pod volumes, container mounts, the PVCs they need, and the sync
 * mappings for bind mounts.
 *   named volume   → persistentVolumeClaim (claim named after the volume), seeded once from the image's content at
 *                    the target, as Docker fills a new volume (unless volume.nocopy)
 *   anonymous      → emptyDir, seeded from the image's content at the target (unless volume.nocopy)
 *   tmpfs          → emptyDir { medium: Memory, sizeLimit }
 *   bind           → emptyDir that the sync engine fills from the host path (a SyncMapping), or hostPath
 *                    when the service's x-devloop.hostPath lists the target (or is true)
 */
import path from "node:path";
import type { ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import { xDevloop } from "./devloop-extension.js";
import type { TranslateContext } from "./context.js";
import { shortHash } from "./hash.js";
import { formatBytes } from "./quantities.js";
import type { SyncMapping } from "./types.js";
import { createVolumeNameAllocator, type VolumeNameAllocator } from "./volume-names.js";
import { claimName } from "./volume-claim.js";

export interface PodVolume {
  readonly name: string;
  readonly [source: string]: unknown;
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

export interface VolumePlan {
  readonly volumes: readonly PodVolume[];
  readonly mounts: readonly VolumeMount[];
  /** Keys of project.volumes this service mounts. */
  readonly namedVolumes: readonly string[];
  readonly syncMappings: readonly SyncMapping[];
  /** Data of the "<service>-files" Secret: bind-mounted files, by data key. */
  readonly fileData: Readonly<Record<string, string>>;
  /** Volumes the devloop-seed init container fills with the image's content at their target (live.ts seedContainer). */
  readonly seeds: readonly VolumeSeed[];
}

/**
 * A volume to fill with what the image holds at `dir`, as Docker fills a new volume. `once`: a persistent volume is
 * filled only when it is empty and was never seeded (the marker file .devloop-seeded records it), so data is never
 * overwritten; an emptyDir is new with each pod and is filled each time.
 */
export interface VolumeSeed {
  readonly dir: string;
  readonly volume: string;
  readonly once: boolean;
  readonly subPath?: string;
}

/** "/run:size=64m,mode=1777" or "/run" → target and size in bytes. */
export const parseTmpfs = (entry: string): { target: string; size?: number } => {
  const [target = entry, options = ""] = entry.split(":", 2);
  const size = /(?:^|,)size=(\d+)([kmg]?)/i.exec(options);
  if (!size) return { target };
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(size[2] ?? "").toLowerCase()] ?? 1;
  return { target, size: Number(size[1]) * unit };
};

const hostPathTargets = (service: ServiceSpec): true | ReadonlySet<string> => {
  const value = xDevloop(service.extensions)["hostPath"];
  if (value === true) return true;
  return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
};

const isInside = (dir: string, file: string): boolean => {
  const rel = path.relative(dir, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
};

const memoryVolume = (name: string, size: number | undefined): PodVolume => ({
  name,
  emptyDir: { medium: "Memory", ...(size === undefined ? {} : { sizeLimit: formatBytes(size) }) },
});

/**
 * The data key of a bind-mounted file: its base name (cleaned) and a hash of its path — relative to the project when
 * inside it (checkout-independent), absolute when outside (where a relative path would depend on the checkout's depth).
 */
export const bindFileKey = (source: string, projectDir: string): string =>
  `${path.basename(source).replace(/[^-._a-zA-Z0-9]/g, "_")}-${shortHash(isInside(projectDir, source) ? path.relative(projectDir, source) : source)}`;

export const planVolumes = (ctx: TranslateContext, service: ServiceSpec, names: VolumeNameAllocator = createVolumeNameAllocator(), filesSecret = `${service.name}-files`): VolumePlan => {
  const volumes: PodVolume[] = [];
  const mounts: VolumeMount[] = [];
  const namedVolumes: string[] = [];
  const syncMappings: SyncMapping[] = [];
  const fileData: Record<string, string> = {};
  const seeds: VolumeSeed[] = [];
  const hostPaths = hostPathTargets(service);
  const ro = (readOnly: boolean): { readOnly?: true } => (readOnly ? { readOnly: true } : {});

  service.volumes.forEach((volume, index) => {
    switch (volume.type) {
      case "volume": {
        if (volume.source === undefined) {
          const name = names.next("anon", volume.target);
          volumes.push({ name, emptyDir: {} });
          mounts.push({ name, mountPath: volume.target, ...ro(volume.readOnly) });
          if (!volume.nocopy) seeds.push({ dir: volume.target, volume: name, once: false });
          return;
        }
        const name = names.next("vol", volume.source);
        if (!namedVolumes.includes(volume.source)) namedVolumes.push(volume.source);
        volumes.push({ name, persistentVolumeClaim: { claimName: claimName(ctx.project, volume.source), ...ro(volume.readOnly) } });
        mounts.push({ name, mountPath: volume.target, ...ro(volume.readOnly), ...(volume.subpath ? { subPath: volume.subpath } : {}) });
        if (!volume.nocopy) seeds.push({ dir: volume.target, volume: name, once: true, ...(volume.subpath ? { subPath: volume.subpath } : {}) });
        return;
      }
      case "tmpfs": {
        const name = names.next("tmpfs", volume.target);
        volumes.push(memoryVolume(name, volume.size));
        mounts.push({ name, mountPath: volume.target, ...ro(volume.readOnly) });
        return;
      }
      case "bind": {
        if (hostPaths === true || hostPaths.has(volume.target)) {
          const name = names.next("host", volume.target);
          volumes.push({ name, hostPath: { path: volume.source } });
          mounts.push({ name, mountPath: volume.target, ...ro(volume.readOnly) });
          return;
        }
        const fileContent = ctx.options.bindFiles?.[volume.source];
        if (fileContent !== undefined) {
          // A file cannot be stood in for by an emptyDir: its content goes into the service's files Secret.
          const key = bindFileKey(volume.source, ctx.project.workingDir);
          const name = names.next("file", volume.target);
          fileData[key] = fileContent;
          volumes.push({ name, secret: { secretName: filesSecret, items: [{ key, path: key }] } });
          mounts.push({ name, mountPath: volume.target, subPath: key, ...ro(volume.readOnly) });
          return;
        }
        const name = names.next("sync", volume.target);
        if (!isInside(ctx.project.workingDir, volume.source)) {
          ctx.report({
            code: TranslateCodes.bindOutsideProject,
            path: `services.${service.name}.volumes[${index}]`,
            message: `bind mount of ${volume.source} is outside the project directory; devloop copies this machine's ${volume.source} into the container before it starts and syncs edits, which only works for ordinary files: a socket or device (such as /var/run/docker.sock) cannot travel, and the container finds an empty directory there`,
            hint: `list "${volume.target}" under x-devloop.hostPath to mount the node's path instead`,
          });
        }
        // Not read-only even when the bind is: the sync engine writes into it from inside the pod.
        volumes.push({ name, emptyDir: {} });
        mounts.push({ name, mountPath: volume.target });
        syncMappings.push({ service: service.name, source: volume.source, target: volume.target, volumeName: name, ...ro(volume.readOnly) });
        return;
      }
    }
  });

  for (const entry of service.tmpfs) {
    const { target, size } = parseTmpfs(entry);
    const name = names.next("tmpfs", target);
    volumes.push(memoryVolume(name, size));
    mounts.push({ name, mountPath: target });
  }

  return { volumes, mounts, namedVolumes, syncMappings, fileData, seeds };
};
