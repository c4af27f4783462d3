/**
 * Service volumes, short and long syntax → ServiceVolumeSpec. Short: [source:]target[:mode]; a source that
 * starts with ".", "/" or "~" is a bind mount (resolved against the node's base directory), anything else a named volume.
 */
import path from "node:path";
import type { LNode } from "./located.js";
import { describe, get, joinPath } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { ServiceVolumeSpec } from "./types.js";
import { isWholeBytes } from "./units.js";

const EXPECTED = 'a mount like "./src:/app/src", "data:/var/lib/data:ro" or {type: bind, source: ./src, target: /app/src}';
const MODES = new Set(["ro", "rw", "z", "Z", "nocopy", "cached", "delegated", "consistent", "shared", "rshared", "slave", "rslave", "private", "rprivate"]);

const isPathLike = (s: string): boolean => s.startsWith(".") || s.startsWith("/") || s.startsWith("~");

/** A Windows path: a drive (c:\data, C:/data) or a named pipe (\\.\pipe\name), as compose-go's loader reads them. */
export const isWindowsPath = (s: string): boolean => /^[A-Za-z]:[\\/]/.test(s) || s.startsWith("\\\\");

/** A mount a Windows container would get (a Windows path on either side, or type: npipe); translation reports it. */
export interface WindowsMountRef {
  readonly source?: string;
  readonly target: string;
  readonly path: string;
}

/** Splits a short-syntax mount at its colons, keeping a drive letter's colon (c:\data) inside its part. */
const splitMount = (spec: string): string[] => {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < spec.length; i++) {
    const ch = spec[i] as string;
    const next = spec[i + 1];
    if (ch === ":" && !(current.length === 1 && /[A-Za-z]/.test(current) && (next === "\\" || next === "/"))) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
};

export const resolveHostPath = (source: string, baseDir: string, home: string | undefined): string => {
  if (source === "~" || source.startsWith("~/")) return path.join(home ?? "~", source.slice(1));
  return path.resolve(baseDir, source);
};

/** `refs` receives each named-volume reference (for the undefined-volume check). */
export const normalizeServiceVolumes = (
  ctx: NormalizeContext,
  node: LNode | undefined,
  path_: string,
  home: string | undefined,
  refs: { name: string; node: LNode; path: string }[] = [],
  windows: WindowsMountRef[] = [],
): ServiceVolumeSpec[] => {
  if (node === undefined) return [];
  if (node.kind !== "seq") {
    ctx.wrongType(node, path_, "a list of volume mounts");
    return [];
  }
  const out: ServiceVolumeSpec[] = [];
  node.items.forEach((item, i) => {
    const p = joinPath(path_, i);
    if (item.kind === "scalar" && typeof item.value === "string") {
      // Windows forms (c:\data, \\.\pipe\x, C:/data:/data) split as compose-go's ParseVolume; "a:/data" and "a:/data:ro"
      // stay volume a.
      const parts = item.value.includes("\\") || /^[A-Za-z]:[\\/][^:]*:[\\/]/.test(item.value) ? splitMount(item.value) : item.value.split(":");
      let source: string | undefined;
      let target: string;
      let modeText = "";
      if (parts.length === 1) target = parts[0] as string;
      else if (parts.length === 2) {
        // "/data:ro" is not valid; two parts are source:target.
        source = parts[0];
        target = parts[1] as string;
      } else if (parts.length === 3) {
        source = parts[0];
        target = parts[1] as string;
        modeText = parts[2] as string;
      } else {
        ctx.report("invalidVolume", item, p, "invalid volume mount: too many colons", { expected: EXPECTED, got: JSON.stringify(item.value) });
        return;
      }
      const modes = modeText === "" ? [] : modeText.split(",");
      const bad = modes.find((m) => !MODES.has(m));
      if (bad !== undefined) {
        ctx.report("invalidVolume", item, p, `invalid volume mount: unknown mode "${bad}"`, { expected: EXPECTED, got: JSON.stringify(item.value), hint: 'modes are "ro", "rw", "z", "Z" or "nocopy", comma-separated' });
        return;
      }
      if (isWindowsPath(target) || (source !== undefined && isWindowsPath(source))) {
        windows.push({ ...(source ? { source } : {}), target, path: p });
        return;
      }
      if (!target.startsWith("/")) {
        ctx.report("invalidVolume", item, p, "invalid volume mount: the container path must be absolute", { expected: EXPECTED, got: JSON.stringify(item.value) });
        return;
      }
      const readOnly = modes.includes("ro");
      if (source === undefined || source === "") out.push({ type: "volume", target, readOnly, nocopy: modes.includes("nocopy") });
      else if (isPathLike(source)) out.push({ type: "bind", source: resolveHostPath(source, item.loc.baseDir, home), target, readOnly, createHostPath: true });
      else {
        out.push({ type: "volume", source, target, readOnly, nocopy: modes.includes("nocopy") });
        refs.push({ name: source, node: item, path: p });
      }
      return;
    }
    if (item.kind !== "map") {
      ctx.report("invalidVolume", item, p, "invalid volume mount", { expected: EXPECTED, got: describe(item) });
      return;
    }
    const type = ctx.oneOf(get(item, "type") ?? { ...item, kind: "scalar", value: "volume" }, `${p}.type`, ["bind", "volume", "tmpfs", "npipe", "cluster", "image"] as const);
    const targetNode = get(item, "target");
    const target = ctx.str(targetNode, `${p}.target`);
    if (targetNode === undefined) {
      ctx.report("invalidVolume", item, p, "a long-form volume needs a target", { expected: "target: /path/in/container" });
      return;
    }
    if (target === undefined || type === undefined) return;
    const longSource = ctx.str(get(item, "source"), `${p}.source`);
    if (type === "npipe" || isWindowsPath(target) || (longSource !== undefined && isWindowsPath(longSource))) {
      windows.push({ ...(longSource ? { source: longSource } : {}), target, path: p });
      return;
    }
    if (!target.startsWith("/")) {
      ctx.report("invalidVolume", targetNode, `${p}.target`, "the container path must be absolute", { expected: "an absolute path like /app/data", got: JSON.stringify(target) });
      return;
    }
    const readOnly = ctx.bool(get(item, "read_only"), `${p}.read_only`) ?? false;
    const sourceNode = get(item, "source");
    const source = ctx.str(sourceNode, `${p}.source`);
    if (type === "bind") {
      if (source === undefined || source === "") {
        ctx.report("invalidVolume", item, p, "a bind mount needs a source", { expected: "source: ./path/on/host" });
        return;
      }
      const bind = ctx.map(get(item, "bind"), `${p}.bind`);
      const create = ctx.bool(get(bind, "create_host_path"), `${p}.bind.create_host_path`) ?? true;
      out.push({ type: "bind", source: resolveHostPath(source, (sourceNode ?? item).loc.baseDir, home), target, readOnly, createHostPath: create });
    } else if (type === "tmpfs") {
      const tmpfs = ctx.map(get(item, "tmpfs"), `${p}.tmpfs`);
      const sizeNode = get(tmpfs, "size");
      const size = ctx.bytes(sizeNode, `${p}.tmpfs.size`);
      // compose-spec.json tmpfs.size: an integer ≥ 0 or a size string; compose-go refuses a fraction of a byte.
      if (size !== undefined && sizeNode?.kind === "scalar" && (typeof sizeNode.value === "number" || typeof sizeNode.value === "string") && !isWholeBytes(sizeNode.value)) {
        ctx.report("invalidSize", sizeNode, `${p}.tmpfs.size`, `${p}.tmpfs.size is not a whole number of bytes`, { expected: 'a whole number of bytes, or a size like "64m"', got: describe(sizeNode) });
      }
      const mode = ctx.fileMode(get(tmpfs, "mode"), `${p}.tmpfs.mode`);
      out.push({ type: "tmpfs", target, readOnly, ...(size !== undefined ? { size } : {}), ...(mode !== undefined ? { mode } : {}) });
    } else {
      const vol = ctx.map(get(item, "volume"), `${p}.volume`);
      const nocopy = ctx.bool(get(vol, "nocopy"), `${p}.volume.nocopy`) ?? false;
      const subpath = ctx.str(get(vol, "subpath"), `${p}.volume.subpath`);
      out.push({ type: "volume", target, readOnly, nocopy, ...(source ? { source } : {}), ...(subpath !== undefined ? { subpath } : {}) });
      if (source && type === "volume" && sourceNode) refs.push({ name: source, node: sourceNode, path: `${p}.source` });
    }
  });
  return out;
};
