/**
 * shm_size → an emptyDir { medium: Memory, sizeLimit } mounted at /dev/shm: a container's /dev/shm is a 64 MiB
 * tmpfs under Docker and under Kubernetes alike, and a memory-backed emptyDir is how a pod gets a bigger one.
 * A volume or tmpfs the service itself mounts at /dev/shm wins (as under Docker, where the mount replaces it).
 */
import type { ServiceSpec } from "../compose/types.js";
import type { PodVolume, VolumeMount } from "./pod-volumes.js";
import { formatBytes } from "./quantities.js";
import type { VolumeNameAllocator } from "./volume-names.js";

export const SHM_PATH = "/dev/shm";

export const planShmVolume = (
  service: ServiceSpec,
  names: VolumeNameAllocator,
  mountedPaths: readonly string[],
): { volume: PodVolume; mount: VolumeMount } | undefined => {
  if (service.shmSize === undefined || service.shmSize <= 0) return undefined;
  if (mountedPaths.some((p) => p.replace(/\/+$/, "") === SHM_PATH)) return undefined;
  const name = names.next("shm", "dev-shm");
  return {
    volume: { name, emptyDir: { medium: "Memory", sizeLimit: formatBytes(service.shmSize) } },
    mount: { name, mountPath: SHM_PATH },
  };
};
