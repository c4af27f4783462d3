/** Pod-local volume names: DNS labels, unique within one pod, derived from what they hold. */
import { shortHash } from "./hash.js";
import { toDnsLabel } from "./names.js";

export interface VolumeNameAllocator {
  /** A unique volume name "<prefix>-<what>" for this pod. */
  readonly next: (prefix: string, what: string) => string;
}

export const createVolumeNameAllocator = (): VolumeNameAllocator => {
  const used = new Set<string>();
  return {
    next: (prefix, what) => {
      let name = toDnsLabel(`${prefix}-${what}`);
      if (used.has(name)) name = toDnsLabel(`${prefix}-${what}-${shortHash(`${what}#${used.size}`, 5)}`);
      used.add(name);
      return name;
    },
  };
};
