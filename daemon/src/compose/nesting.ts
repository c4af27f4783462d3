/**
 * The YAML nesting limit. yaml's composer and every later stage walk the tree recursively, so a file nested
 * 10,000 levels deep would end in "Maximum call stack size exceeded"; compose files need a handful of levels.
 * `findTooDeep` walks yaml's CST (its Parser is iterative) without recursion and finds the first collection
 * nested deeper than the limit, with its key path, so the loader reports it located (DL-COMPOSE-046). Files larger
 * than maxInputLength are refused before they are parsed (same code).
 */
import type { CST } from "yaml";
import { LineCounter, Parser } from "yaml";
import { joinPath } from "./located.js";

/** Collections (mappings and lists, block or flow) nested inside each other, the top-level mapping being 1. */
export const maxNestingDepth = 100;

/**
 * The largest compose or env file the loader reads (characters): a generated 500-service file is 0.3 MiB, so this
 * is about 12,000 services; above it, parsing alone would cost the daemon gigabytes.
 */
export const maxInputLength = 8 * 1024 * 1024;

/**
 * Services in one extends chain, or one depends_on chain: later stages follow both recursively (a chain of 20,000
 * overflowed the stack). Generated projects chain depends_on across hundreds of services (the 500-service bench
 * file is one chain); extends chains are short in practice.
 */
export const maxExtendsChain = 100;
export const maxDependsOnChain = 1000;

/** "the file is 100.0 MiB, more than the 8 MiB a compose or env file may be" */
export const tooLargeMessage = (what: string, length: number): string =>
  `${what} is ${(length / 1024 / 1024).toFixed(1)} MiB, more than the ${maxInputLength / 1024 / 1024} MiB the loader reads`;

export interface TooDeep {
  readonly line: number;
  readonly column: number;
  readonly path: string;
}

const isCollection = (t: CST.Token | null | undefined): t is CST.BlockMap | CST.BlockSequence | CST.FlowCollection =>
  t?.type === "block-map" || t?.type === "block-seq" || t?.type === "flow-collection";

/** A key as the path shows it: a plain or quoted scalar's text, else "?". */
const keyName = (t: CST.Token | null | undefined): string => {
  if (t?.type === "scalar" || t?.type === "single-quoted-scalar" || t?.type === "double-quoted-scalar") {
    const s = t.source;
    return t.type === "scalar" ? s : s.slice(1, -1);
  }
  return "?";
};

/** The first collection nested deeper than `limit`, or undefined. */
export const findTooDeep = (text: string, limit: number = maxNestingDepth): TooDeep | undefined => {
  const lineCounter = new LineCounter();
  const stack: { token: CST.Token; depth: number; path: string }[] = [];
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    if (token.type === "document" && token.value) stack.push({ token: token.value, depth: 0, path: "" });
  }
  while (stack.length > 0) {
    const { token, depth, path } = stack.pop() as { token: CST.Token; depth: number; path: string };
    if (!isCollection(token)) continue;
    const level = depth + 1;
    if (level > limit) {
      const pos = lineCounter.linePos(token.offset);
      return { line: pos.line, column: pos.col, path };
    }
    // Pushed in reverse, so the first deep place in document order is found first.
    for (let i = token.items.length - 1; i >= 0; i--) {
      const item = token.items[i] as CST.CollectionItem;
      const isSeq = token.type === "block-seq" || (token.type === "flow-collection" && token.start.source === "[");
      const childPath = isSeq ? joinPath(path, i) : joinPath(path, keyName(item.key));
      if (item.value) stack.push({ token: item.value, depth: level, path: childPath });
      if (item.key) stack.push({ token: item.key, depth: level, path });
    }
  }
  return undefined;
};
