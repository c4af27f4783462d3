/**
 * The services.*.build keys beyond context/dockerfile/args: typed readers for ulimits, secrets, ssh, provenance …
 * Each records a diagnostic at the offending node (file:line:col, key path) and keeps going.
 */
import type { LNode } from "./located.js";
import { joinPath } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { BuildUlimit } from "./types.js";

/** build.ulimits: { nofile: 1024 } or { nofile: { soft: 1024, hard: 2048 } }; -1 is unlimited. */
export const normalizeBuildUlimits = (ctx: NormalizeContext, node: LNode | undefined, p: string): BuildUlimit[] | undefined => {
  const m = ctx.map(node, p);
  if (m === undefined) return undefined;
  const out: BuildUlimit[] = [];
  for (const [name, { value }] of m.entries) {
    const at = joinPath(p, name);
    if (value.kind === "map") {
      const soft = ctx.num(value.entries.get("soft")?.value, joinPath(at, "soft"), { integer: true, min: -1 });
      const hard = ctx.num(value.entries.get("hard")?.value, joinPath(at, "hard"), { integer: true, min: -1 });
      for (const key of value.entries.keys()) {
        if (key !== "soft" && key !== "hard") ctx.report("invalidValue", value.entries.get(key)?.value ?? value, joinPath(at, key), `${joinPath(at, key)} is not a ulimit field`, { expected: "soft or hard", got: JSON.stringify(key) });
      }
      if (soft === undefined || hard === undefined) {
        if (!value.entries.has("soft") || !value.entries.has("hard")) ctx.wrongType(value, at, "a number or { soft, hard }");
        continue;
      }
      if (hard !== -1 && (soft === -1 || soft > hard)) {
        ctx.report("invalidValue", value, at, `${at}: the soft limit is above the hard limit`, { expected: "soft ≤ hard", got: `soft ${soft}, hard ${hard}` });
        continue;
      }
      out.push({ name, soft, hard });
    } else {
      const n = ctx.num(value, at, { integer: true, min: -1 });
      if (n !== undefined) out.push({ name, soft: n, hard: n });
    }
  }
  return out;
};

/** build.secrets: ["name"] or [{ source: name, target, … }]; the source names. */
export const normalizeBuildSecrets = (ctx: NormalizeContext, node: LNode | undefined, p: string): string[] | undefined => {
  if (node === undefined) return undefined;
  if (node.kind !== "seq") {
    ctx.wrongType(node, p, "a list of secret names or { source, target } mappings");
    return undefined;
  }
  const out: string[] = [];
  node.items.forEach((item, i) => {
    const at = joinPath(p, i);
    if (item.kind === "map") {
      const source = item.entries.get("source")?.value;
      if (source === undefined) ctx.wrongType(item, at, "a secret name or a mapping with source");
      else {
        const s = ctx.str(source, joinPath(at, "source"));
        if (s !== undefined) out.push(s);
      }
    } else {
      const s = ctx.str(item, at);
      if (s !== undefined) out.push(s);
    }
  });
  return out;
};

/** build.ssh: ["default", "id=path"] or { id: path }; kept as "id" / "id=path". */
export const normalizeBuildSsh = (ctx: NormalizeContext, node: LNode | undefined, p: string): string[] | undefined => {
  const entries = ctx.strMap(node, p);
  return entries === undefined ? undefined : [...entries].map(([id, { value }]) => (value === null ? id : `${id}=${value}`));
};

/** build.provenance / build.sbom: true, false or an attestation option string. */
export const normalizeAttestation = (ctx: NormalizeContext, node: LNode | undefined, p: string): string | undefined => {
  if (node === undefined) return undefined;
  if (node.kind === "scalar" && node.value !== null) return String(node.value);
  ctx.wrongType(node, p, "true, false or a string");
  return undefined;
};
