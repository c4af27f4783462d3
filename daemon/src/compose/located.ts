/**
 * The loader's working tree: YAML values that remember where they were written. Every stage between
 * parse and normalise works on this tree, so any diagnostic can point at file:line:column.
 */

export interface Loc {
  /** File path as shown to the user. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly length: number;
  /** Directory relative paths written in this node resolve against (project dir, or the extended/included file's dir). */
  readonly baseDir: string;
}

/** `!reset` removes an inherited value, `!override` replaces it without merging. */
export type MergeTag = "reset" | "override";

export type Primitive = string | number | boolean | null;

export interface LScalar {
  readonly kind: "scalar";
  readonly value: Primitive;
  readonly loc: Loc;
  readonly tag?: MergeTag;
  /**
   * The text as written, kept only for a plain integer with a leading zero ("0400"): YAML 1.2 reads it as
   * decimal, compose-go (go-yaml, YAML 1.1 style) as octal. File modes read it from here.
   */
  readonly raw?: string;
}

export interface LSeq {
  readonly kind: "seq";
  readonly items: readonly LNode[];
  readonly loc: Loc;
  readonly tag?: MergeTag;
}

export interface LEntry {
  readonly key: string;
  readonly keyLoc: Loc;
  readonly value: LNode;
}

export interface LMap {
  readonly kind: "map";
  readonly entries: ReadonlyMap<string, LEntry>;
  readonly loc: Loc;
  readonly tag?: MergeTag;
}

export type LNode = LScalar | LSeq | LMap;

export const isMap = (n: LNode | undefined): n is LMap => n?.kind === "map";
export const isSeq = (n: LNode | undefined): n is LSeq => n?.kind === "seq";
export const isScalar = (n: LNode | undefined): n is LScalar => n?.kind === "scalar";

export const get = (n: LNode | undefined, key: string): LNode | undefined =>
  n?.kind === "map" ? n.entries.get(key)?.value : undefined;

export const makeMap = (entries: Iterable<LEntry>, loc: Loc, tag?: MergeTag): LMap => {
  const m = new Map<string, LEntry>();
  for (const e of entries) m.set(e.key, e);
  return tag === undefined ? { kind: "map", entries: m, loc } : { kind: "map", entries: m, loc, tag };
};

export const scalar = (value: Primitive, loc: Loc): LScalar => ({ kind: "scalar", value, loc });

/** Short human name of a node's type, for "got …". */
export const describe = (n: LNode): string => {
  if (n.kind === "map") return "a mapping";
  if (n.kind === "seq") return "a list";
  if (n.value === null) return "null";
  if (typeof n.value === "string") return JSON.stringify(n.value);
  return String(n.value);
};

/** Plain JavaScript value of a node (for x-* extensions and `devloop config`). */
export const toPlain = (n: LNode): unknown => {
  if (n.kind === "scalar") return n.value;
  if (n.kind === "seq") return n.items.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, e] of n.entries) out[k] = toPlain(e.value);
  return out;
};

export const joinPath = (path: string, key: string | number): string =>
  typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
