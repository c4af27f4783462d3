/**
 * Kubernetes names from compose names. Compose allows [a-zA-Z0-9._-] in service names; Kubernetes wants
 * DNS-1123 labels (lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63 characters).
 * Too-long names are cut and given a short hash of the original so two long names stay distinct.
 */
import { shortHash } from "./hash.js";

/** Subdomain names (ConfigMap, Secret, PVC, Deployment…) may be 253 long, but every name we make is a label. */
export const MAX_LABEL_LENGTH = 63;

const sanitize = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/[^a-z0-9]+$/, "");

/** A valid DNS-1123 label for `name`; deterministic; truncated to `max` with "-<hash8>" when too long. */
export const toDnsLabel = (name: string, max = MAX_LABEL_LENGTH): string => {
  const clean = sanitize(name);
  const base = clean === "" ? "x" : clean;
  if (base.length <= max) return base;
  const suffix = `-${shortHash(name)}`;
  return `${base.slice(0, max - suffix.length).replace(/-+$/, "")}${suffix}`;
};

/**
 * A DNS-1035 label (what a Service name must be: it also has to start with a letter).
 * A compose name starting with a digit gets an "s-" prefix.
 */
export const toServiceName = (name: string): string => {
  const label = toDnsLabel(name);
  return /^[a-z]/.test(label) ? label : toDnsLabel(`s-${label}`);
};

/** True when `name` is a valid DNS-1123 subdomain (what most object names must be). */
export const isDnsSubdomain = (name: string): boolean =>
  name.length > 0 && name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);

/** True when `name` is already a valid DNS-1123 label. */
export const isDnsLabel = (name: string): boolean =>
  name.length > 0 && name.length <= MAX_LABEL_LENGTH && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);

/**
 * Names for a set of compose names that stay unique after sanitising: when two compose names map to the
 * same label ("web_1" and "web-1"), each gets a hash of its original name appended.
 */
export const uniqueDnsLabels = (names: readonly string[], toLabel: (n: string) => string = toDnsLabel): ReadonlyMap<string, string> => {
  const first = new Map<string, string[]>();
  for (const name of names) {
    const label = toLabel(name);
    first.set(label, [...(first.get(label) ?? []), name]);
  }
  const result = new Map<string, string>();
  for (const [label, owners] of first) {
    if (owners.length === 1) {
      result.set(owners[0] ?? "", label);
      continue;
    }
    for (const owner of owners) {
      const suffix = `-${shortHash(owner)}`;
      result.set(owner, `${label.slice(0, MAX_LABEL_LENGTH - suffix.length).replace(/-+$/, "")}${suffix}`);
    }
  }
  return result;
};
