/** Compose numbers → Kubernetes quantities. */

/** CPU cores → "500m" / "2". */
export const formatCpu = (cores: number): string => {
  const millis = Math.max(1, Math.round(cores * 1000));
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
};

const UNITS: readonly (readonly [number, string])[] = [
  [1024 ** 4, "Ti"],
  [1024 ** 3, "Gi"],
  [1024 ** 2, "Mi"],
  [1024, "Ki"],
];

/** Bytes → the largest exact binary unit ("256Mi"), or plain bytes. */
export const formatBytes = (bytes: number): string => {
  const whole = Math.round(bytes);
  for (const [size, unit] of UNITS) if (whole >= size && whole % size === 0) return `${whole / size}${unit}`;
  return String(whole);
};

/** Milliseconds → whole seconds, rounded up, at least `min`. */
export const toSeconds = (ms: number, min = 1): number => Math.max(min, Math.ceil(ms / 1000));
