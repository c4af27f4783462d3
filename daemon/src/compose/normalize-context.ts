/**
 * Typed readers over the located tree for the normalise stage: each returns the value or records a
 * wrong-type diagnostic at the node and returns undefined, so normalise keeps going and reports everything.
 */
import type { Diagnostic } from "../errors/diagnostic.js";
import type { LMap, LNode } from "./located.js";
import { describe, joinPath } from "./located.js";
import { listToMap, type ListStyle } from "./list-to-map.js";
import type { CodeName } from "./codes.js";
import { makeDiagnostic, type DiagnosticDetails } from "./report.js";
import { parseBytes, parseDuration } from "./units.js";

export interface NormalizeContext {
  readonly diagnostics: Diagnostic[];
  report(name: CodeName, node: LNode, path: string, message: string, details?: DiagnosticDetails): void;
  wrongType(node: LNode, path: string, expected: string): void;
  str(node: LNode | undefined, path: string): string | undefined;
  num(node: LNode | undefined, path: string, opts?: { integer?: boolean; min?: number }): number | undefined;
  bool(node: LNode | undefined, path: string): boolean | undefined;
  /** A list of strings; a single string is accepted as a one-item list when `single` is set. */
  strList(node: LNode | undefined, path: string, opts?: { single?: boolean }): string[] | undefined;
  /** A mapping of strings, or the equivalent list; null values stay null (bare keys). */
  strMap(node: LNode | undefined, path: string, style?: ListStyle): Map<string, { value: string | null; node: LNode }> | undefined;
  map(node: LNode | undefined, path: string): LMap | undefined;
  duration(node: LNode | undefined, path: string): number | undefined;
  bytes(node: LNode | undefined, path: string): number | undefined;
  oneOf<T extends string>(node: LNode | undefined, path: string, allowed: readonly T[]): T | undefined;
  /** A file mode as compose-go reads it: 0400 / 0o400 unquoted are octal, a string is octal ("0400", "400", "0o400"), other integers decimal. */
  fileMode(node: LNode | undefined, path: string): number | undefined;
}

const TRUE = new Set(["1", "t", "T", "true", "TRUE", "True"]);
const FALSE = new Set(["0", "f", "F", "false", "FALSE", "False"]);

export const createNormalizeContext = (diagnostics: Diagnostic[]): NormalizeContext => {
  const ctx: NormalizeContext = {
    fileMode(node, path) {
      if (node === undefined) return undefined;
      if (node.kind === "scalar" && node.raw !== undefined) return parseInt(node.raw, 8);
      if (node.kind === "scalar" && typeof node.value === "string") {
        const digits = node.value.trim().replace(/^0o/i, "");
        if (/^[0-7]+$/.test(digits)) return parseInt(digits, 8);
        ctx.wrongType(node, path, "an octal file mode (e.g. 0400 or \"0440\")");
        return undefined;
      }
      return ctx.num(node, path, { integer: true, min: 0 });
    },
    diagnostics,
    report(name, node, path, message, details) {
      diagnostics.push(makeDiagnostic(name, node.loc, path, message, details));
    },
    wrongType(node, path, expected) {
      ctx.report("wrongType", node, path, `${path || "value"} must be ${expected}`, { expected, got: describe(node) });
    },
    str(node, path) {
      if (node === undefined) return undefined;
      if (node.kind === "scalar" && node.value !== null) return String(node.value);
      ctx.wrongType(node, path, "a string");
      return undefined;
    },
    num(node, path, opts = {}) {
      if (node === undefined) return undefined;
      const raw = node.kind === "scalar" ? node.value : undefined;
      const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
      if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
        ctx.wrongType(node, path, `${opts.integer ? "an integer" : "a number"}${opts.min !== undefined ? ` ≥ ${opts.min}` : ""}`);
        return undefined;
      }
      return n;
    },
    bool(node, path) {
      if (node === undefined) return undefined;
      if (node.kind === "scalar") {
        if (typeof node.value === "boolean") return node.value;
        // Interpolated values arrive as strings; accept what compose-go's cast (strconv.ParseBool) accepts.
        if (typeof node.value === "string" && TRUE.has(node.value)) return true;
        if (typeof node.value === "string" && FALSE.has(node.value)) return false;
      }
      ctx.wrongType(node, path, "true or false");
      return undefined;
    },
    strList(node, path, opts = {}) {
      if (node === undefined) return undefined;
      if (node.kind === "scalar" && opts.single && node.value !== null) return [String(node.value)];
      if (node.kind !== "seq") {
        ctx.wrongType(node, path, opts.single ? "a string or a list of strings" : "a list of strings");
        return undefined;
      }
      const out: string[] = [];
      node.items.forEach((item, i) => {
        const s = ctx.str(item, joinPath(path, i));
        if (s !== undefined) out.push(s);
      });
      return out;
    },
    strMap(node, path, style = "keyValue") {
      if (node === undefined) return undefined;
      const m = node.kind === "seq" ? listToMap(node, style) : node;
      if (node.kind === "seq") {
        node.items.forEach((item, i) => {
          if (item.kind !== "scalar" || item.value === null) ctx.wrongType(item, joinPath(path, i), style === "hostIp" ? 'a "host:ip" string' : 'a "KEY=value" string');
        });
      }
      if (m.kind !== "map") {
        ctx.wrongType(node, path, "a mapping or a list");
        return undefined;
      }
      const out = new Map<string, { value: string | null; node: LNode }>();
      for (const [k, e] of m.entries) {
        const v = e.value;
        if (v.kind !== "scalar") {
          ctx.wrongType(v, joinPath(path, k), "a string, number, boolean or null");
          continue;
        }
        out.set(k, { value: v.value === null ? null : String(v.value), node: v });
      }
      return out;
    },
    map(node, path) {
      if (node === undefined) return undefined;
      if (node.kind === "map") return node;
      if (node.kind === "scalar" && node.value === null) return undefined;
      ctx.wrongType(node, path, "a mapping");
      return undefined;
    },
    duration(node, path) {
      if (node === undefined) return undefined;
      const text = node.kind === "scalar" && node.value !== null ? String(node.value) : undefined;
      const ms = text === undefined ? undefined : parseDuration(text);
      if (ms === undefined) {
        ctx.report("invalidDuration", node, path, `${path} is not a duration`, {
          expected: 'a duration like "30s", "1m30s" or "500ms"',
          got: describe(node),
          ...(text !== undefined && /^\d+(\.\d+)?$/.test(text) ? { hint: `add a unit: "${text}s"` } : {}),
        });
      }
      return ms;
    },
    bytes(node, path) {
      if (node === undefined) return undefined;
      const v = node.kind === "scalar" && (typeof node.value === "string" || typeof node.value === "number") ? parseBytes(node.value) : undefined;
      if (v === undefined) ctx.report("invalidSize", node, path, `${path} is not a byte size`, { expected: 'a size like "512m", "1g" or a number of bytes', got: describe(node) });
      return v;
    },
    oneOf(node, path, allowed) {
      const s = ctx.str(node, path);
      if (s === undefined || node === undefined) return undefined;
      if ((allowed as readonly string[]).includes(s)) return s as (typeof allowed)[number];
      ctx.report("invalidValue", node, path, `${path} has an unsupported value`, { expected: `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, got: JSON.stringify(s) });
      return undefined;
    },
  };
  return ctx;
};
