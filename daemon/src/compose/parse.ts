/**
 * Stage 1: YAML text → located tree. A clean single-document file is built straight from yaml's CST
 * (`parse-cst.ts`); any other file, and any file with something to report, takes the full path here: the yaml
 * package's parseAllDocuments with a LineCounter so every node keeps file:line:column. Both resolve aliases and
 * merge keys (<<), so later stages see plain maps. Several YAML documents in one file are merged in order, like
 * override files (as compose-go does).
 */
import { isAlias, isMap as isYamlMap, isScalar as isYamlScalar, isSeq as isYamlSeq, LineCounter, parseAllDocuments } from "yaml";
import type { Node as YamlNode } from "yaml";
import type { Diagnostic } from "../errors/diagnostic.js";
import { makeDiagnostic } from "./report.js";
import type { LEntry, LMap, LNode, LScalar, Loc, MergeTag, Primitive } from "./located.js";
import { joinPath } from "./located.js";
import { mergeMaps } from "./merge.js";
import { findTooDeep, maxNestingDepth } from "./nesting.js";
import { parseComposeCst } from "./parse-cst.js";

export interface ParseParams {
  readonly text: string;
  /** File path as shown to the user. */
  readonly file: string;
  /** Directory relative paths in this file resolve against. */
  readonly baseDir: string;
  /** Cap on values produced by alias expansion (default 1,000,000). */
  readonly maxNodes?: number;
}

export interface ParsedFile {
  /** The top-level mapping; undefined when the file could not be used at all. */
  readonly root: LMap | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

const withTag = <T extends LNode>(n: T, tag: MergeTag | undefined): T => (tag === undefined ? n : { ...n, tag });

const tagOf = (tag: string | undefined): MergeTag | undefined =>
  tag === "!reset" ? "reset" : tag === "!override" ? "override" : undefined;

const DEFAULT_MAX_NODES = 1_000_000;

const tooDeepDiagnostic = (file: string, at: { line: number; column: number }, path: string): Diagnostic =>
  makeDiagnostic("inputLimit", { file, line: at.line, column: at.column }, path, `the YAML nests more than ${maxNestingDepth} levels deep here`, {
    expected: `mappings and lists nested at most ${maxNestingDepth} levels deep`,
    hint: "a compose file needs a handful of levels; check for a generated or corrupted file, or aliases that nest each other",
  });

/** The message of an empty compose file (index.ts lets it pass when other files are loaded with it). */
export const EMPTY_FILE = "the compose file is empty";

export const parseComposeFile = (params: ParseParams): ParsedFile => {
  const fast = parseComposeCst({ ...params, maxNodes: params.maxNodes ?? DEFAULT_MAX_NODES });
  if (fast !== undefined) return { root: fast, diagnostics: [] };
  // Before yaml's recursive composer sees it: a file nested too deep is reported where it gets too deep.
  const deep = findTooDeep(params.text);
  if (deep !== undefined) return { root: undefined, diagnostics: [tooDeepDiagnostic(params.file, deep, deep.path)] };
  return parseComposeDocuments(params);
};

/** The full path: yaml's Documents, with every diagnostic. Also what `parse-cst.test.ts` compares the fast path with. */
export const parseComposeDocuments = ({ text, file, baseDir, maxNodes }: ParseParams): ParsedFile => {
  const lineCounter = new LineCounter();
  const docs = [...parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: true, strict: false })];
  const diagnostics: Diagnostic[] = [];
  const locAt = (range: readonly [number, number, number] | null | undefined): Loc => {
    if (!range) return { file, line: 1, column: 1, length: 0, baseDir };
    const pos = lineCounter.linePos(range[0]);
    return { file, line: pos.line, column: pos.col, length: Math.max(0, range[1] - range[0]), baseDir };
  };

  const errors = docs.flatMap((d) => d.errors);
  for (const error of errors) {
    const pos = error.linePos?.[0];
    const firstLine = error.message.split("\n")[0] ?? error.message;
    const message = firstLine.replace(/ at line \d+, column \d+:?$/, "");
    const at = { file, line: pos?.line ?? 1, column: pos?.col ?? 1, length: Math.max(0, error.pos[1] - error.pos[0]) };
    diagnostics.push(
      error.code === "DUPLICATE_KEY"
        ? makeDiagnostic("duplicateKey", at, "", "a key appears twice in the same mapping", {
            hint: "remove one of them; to share values between services use a YAML anchor or extends",
          })
        : makeDiagnostic("yamlSyntax", at, "", message),
    );
  }
  if (errors.some((e) => e.code !== "DUPLICATE_KEY")) return { root: undefined, diagnostics };

  // Anchors seen so far in document order (an alias names the last anchor of its name before it), recorded while
  // converting: yaml's Alias.resolve(doc) walks the whole document per alias (quadratic when one anchor is merged
  // into hundreds of services), and a separate visit() pass costs as much as the conversion.
  let anchors = new Map<string, unknown>();
  let expanding = 0;
  // Aliases are expanded into copies; cap the total so a "billion laughs" file cannot exhaust memory.
  const MAX_NODES = maxNodes ?? DEFAULT_MAX_NODES;
  let nodes = 0;
  let exhausted = false;
  // The key path is only needed for a diagnostic: keep the keys on a stack and join them then.
  const keys: (string | number)[] = [];
  const pathNow = (): string => keys.reduce<string>((p, k) => joinPath(p, k), "");
  // Collections nested so far: aliases can nest deeper than the text does (each expansion is a copy).
  let depth = 0;
  const convert = (node: unknown, seen: Set<unknown>): LNode => {
    if (exhausted) return { kind: "scalar", value: null, loc: locAt(undefined) };
    if (++nodes > MAX_NODES) {
      if (!exhausted) {
        exhausted = true;
        diagnostics.push(makeDiagnostic("yamlSyntax", locAt((node as YamlNode | null)?.range), pathNow(), `the file expands to more than ${MAX_NODES} values through aliases`, { hint: "check for aliases that refer to each other recursively" }));
      }
      return { kind: "scalar", value: null, loc: locAt(undefined) };
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target || seen.has(target)) {
        diagnostics.push(makeDiagnostic("yamlSyntax", locAt(node.range), pathNow(), `unresolvable alias *${node.source}`));
        return { kind: "scalar", value: null, loc: locAt(node.range) };
      }
      seen.add(target);
      expanding++;
      const out = convert(target, seen);
      expanding--;
      seen.delete(target);
      return out;
    }
    const yn = node as YamlNode | null;
    // Not while expanding an alias: its copy must not re-register anchors that a later one has replaced.
    if (expanding === 0 && yn?.anchor) anchors.set(yn.anchor, yn);
    const tag = tagOf(yn && "tag" in yn ? yn.tag : undefined);
    const loc = locAt(yn?.range);
    if (yn === null || yn === undefined) return { kind: "scalar", value: null, loc };
    if (isYamlScalar(yn)) {
      const v = yn.value;
      const value: Primitive =
        v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : v instanceof Date ? v.toISOString() : (JSON.stringify(v) ?? "");
      const raw = typeof value === "number" && yn.type === "PLAIN" && typeof yn.source === "string" && /^0[0-7]+$/.test(yn.source) ? yn.source : undefined;
      const out: LScalar = raw === undefined ? { kind: "scalar", value: tag !== undefined && value === "" ? null : value, loc } : { kind: "scalar", value, loc, raw };
      return withTag(out, tag);
    }
    if ((isYamlSeq(yn) || isYamlMap(yn)) && depth >= maxNestingDepth) {
      exhausted = true;
      const at = locAt(yn.range);
      diagnostics.push(tooDeepDiagnostic(file, at, pathNow()));
      return { kind: "scalar", value: null, loc };
    }
    if (isYamlSeq(yn)) {
      depth++;
      const items: LNode[] = [];
      for (let i = 0; i < yn.items.length; i++) {
        keys.push(i);
        items.push(convert(yn.items[i], seen));
        keys.pop();
      }
      depth--;
      return withTag({ kind: "seq", items, loc }, tag);
    }
    if (isYamlMap(yn)) {
      depth++;
      const entries = new Map<string, LEntry>();
      const merged: LMap[] = [];
      for (const pair of yn.items) {
        const keyNode = pair.key as YamlNode | null;
        const keyLoc = locAt(keyNode?.range);
        if (!isYamlScalar(keyNode)) {
          diagnostics.push(makeDiagnostic("wrongType", keyLoc, pathNow(), "mapping keys must be plain strings", { expected: "a string key" }));
          continue;
        }
        // As compose-go ("Non-string key in services.a.labels: 1"), anywhere in the file: 1, true or null as a key
        // is not a string.
        if (typeof keyNode.value !== "string") {
          const written = keyNode.source ?? String(keyNode.value);
          diagnostics.push(
            makeDiagnostic("wrongType", keyLoc, pathNow(), `mapping keys must be strings; ${written} is read as ${keyNode.value === null ? "null" : `a ${typeof keyNode.value}`}`, {
              expected: "a string key",
              got: written,
              hint: `quote it: "${written}"`,
            }),
          );
          continue;
        }
        const key = keyNode.value;
        if (key === "<<" && !keyNode.type?.startsWith("QUOTE")) {
          const source = convert(pair.value, seen);
          const sources = source.kind === "seq" ? source.items : [source];
          const usedAt = locAt((pair.value as YamlNode | null)?.range);
          for (const s of sources) {
            if (s.kind === "map") merged.push(s);
            else diagnostics.push(makeDiagnostic("invalidMergeKey", source.kind === "seq" ? s.loc : usedAt, pathNow(), "a merge key (<<) must refer to a mapping or a list of mappings", { expected: "*anchor of a mapping" }));
          }
          continue;
        }
        keys.push(key);
        entries.set(key, { key, keyLoc, value: convert(pair.value, seen) });
        keys.pop();
      }
      // Merge keys: explicit keys win, then earlier merge sources win over later ones.
      for (const source of merged) {
        for (const [k, e] of source.entries) if (!entries.has(k)) entries.set(k, e);
      }
      depth--;
      return withTag({ kind: "map", entries, loc }, tag);
    }
    return { kind: "scalar", value: null, loc };
  };

  const roots: LMap[] = [];
  for (const d of docs) {
    if (d.contents === null) continue; // an empty document
    anchors = new Map();
    const root = convert(d.contents, new Set());
    if (exhausted) return { root: undefined, diagnostics };
    if (root.kind === "map") roots.push(root);
    else if (!(root.kind === "scalar" && root.value === null)) {
      diagnostics.push(
        makeDiagnostic("notAMapping", root.loc, "", "a compose file must be a mapping at the top level", {
          expected: "a mapping with a services: key",
          got: root.kind === "seq" ? "a list" : "a scalar",
        }),
      );
      return { root: undefined, diagnostics };
    }
  }
  const [first, ...rest] = roots;
  if (first === undefined) {
    diagnostics.push(makeDiagnostic("notAMapping", locAt(undefined), "", EMPTY_FILE, { expected: "a mapping with a services: key" }));
    return { root: undefined, diagnostics };
  }
  return { root: rest.reduce((merged, next) => mergeMaps(merged, next, ""), first), diagnostics };
};
