/**
 * Stage 1, fast path: yaml's CST (its Parser's tokens) → the located tree, without composing a yaml Document
 * (the composer's nodes were most of the parse time). It covers the YAML compose files are written in — block and
 * flow collections, plain, quoted and block scalars, anchors, aliases, merge keys, `!reset` / `!override` — and gives
 * up (returns undefined) on anything else, and wherever yaml or the loader would report an error or a warning:
 * then `parse.ts` takes the full path, so every diagnostic is still worded and located as before. It builds the
 * same tree as the full path, node for node and range for range (`parse-cst.test.ts` compares the two).
 */
import { CST, isScalar, LineCounter, Parser, Schema } from "yaml";
import type { ScalarTag } from "yaml";
import type { Props } from "./cst-props.js";
import { containsNewline, emptyScalarPosition, GiveUp, giveUp, readEnd, readProps } from "./cst-props.js";
import type { LEntry, LMap, LNode, LScalar, Loc, MergeTag, Primitive } from "./located.js";
import { maxNestingDepth } from "./nesting.js";

/** The core schema's implicit scalar types (null, bool, int, float), tried in yaml's order. */
const implicitTags = (new Schema({ schema: "core" }).tags as readonly ScalarTag[]).filter((t) => t.default === true && t.test !== undefined);
const resolveOptions = { intAsBigInt: false };

/** Only a plain scalar starting with one of these (or empty) can be anything but a string in the core schema. */
const MAYBE_TYPED = /^(?:[~nNtTfF0-9+.-]|$)/;

const plainValue = (source: string): Primitive => {
  if (!MAYBE_TYPED.test(source)) return source;
  for (const t of implicitTags) {
    if (t.test?.test(source)) {
      // Some tags (bool) resolve to a Scalar node rather than a value.
      const v: unknown = t.resolve(source, giveUp, resolveOptions);
      return (isScalar(v) ? v.value : v) as Primitive;
    }
  }
  return source;
};

const mergeTagOf = (tag: CST.SourceToken | null): MergeTag | undefined => {
  if (tag === null) return undefined;
  if (tag.source === "!reset") return "reset";
  if (tag.source === "!override") return "override";
  return giveUp();
};

interface AnchorSlot {
  node: LNode | undefined;
  /** Values its expansion counts towards the alias cap. */
  size: number;
}

/**
 * A copy of an anchored node for one alias (the full path also copies, keeping the anchor's locations). `room`:
 * the collection levels it may still nest; deeper, the full path reports the nesting (nesting.ts).
 */
const copy = (n: LNode, room: number): LNode => {
  if (n.kind === "scalar") return { ...n };
  if (room <= 0) return giveUp();
  if (n.kind === "seq") return { ...n, items: n.items.map((item) => copy(item, room - 1)) };
  const entries = new Map<string, LEntry>();
  for (const [k, e] of n.entries) entries.set(k, { key: e.key, keyLoc: e.keyLoc, value: copy(e.value, room - 1) });
  return { ...n, entries };
};

/**
 * The value yaml reads from a one-line flow scalar that needs no folding, escapes or quote doubling (most of a
 * compose file); undefined for the rest, which go through yaml's own resolver.
 */
const simpleFlowText = (token: CST.FlowScalar | CST.BlockScalar): string | undefined => {
  const s = token.source;
  if (token.type === "block-scalar" || s.includes("\n") || s.includes("\r")) return undefined;
  if (token.type === "scalar") {
    const c = s[0];
    return c === "\t" || c === "," || c === "%" || c === "|" || c === ">" || c === "@" || c === "`" ? undefined : s;
  }
  const quote = token.type === "single-quoted-scalar" ? "'" : '"';
  if (s.length < 2 || s[s.length - 1] !== quote) return undefined;
  const inner = s.slice(1, -1);
  return inner.includes(quote) || (quote === '"' && inner.includes("\\")) ? undefined : inner;
};

/** yaml's value and range of a flow or block scalar (giving up where yaml's resolver reports something). */
const scalarText = (token: CST.FlowScalar | CST.BlockScalar): { value: string; plain: boolean; range: readonly [number, number, number] } => {
  const simple = simpleFlowText(token);
  if (simple !== undefined) {
    const valueEnd = token.offset + token.source.length;
    return { value: simple, plain: token.type === "scalar", range: [token.offset, valueEnd, readEnd("end" in token ? token.end : undefined, valueEnd)] };
  }
  const r = CST.resolveAsScalar(token, false, giveUp);
  return { value: r.value, plain: r.type === "PLAIN", range: r.range };
};

/** The first index whose value is ≥ x (xs ascending). */
const lowerBound = (xs: readonly number[], x: number): number => {
  let low = 0;
  let high = xs.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((xs[mid] as number) < x) low = mid + 1;
    else high = mid;
  }
  return low;
};

const isBlock = (t: CST.Token | undefined): boolean => t?.type === "block-map" || t?.type === "block-seq";

export interface CstParams {
  readonly text: string;
  readonly file: string;
  readonly baseDir: string;
  readonly maxNodes: number;
}

/** The top-level mapping of a clean single-document file, or undefined: take the full path. */
export const parseComposeCst = ({ text, file, baseDir, maxNodes }: CstParams): LMap | undefined => {
  try {
    return build(text, file, baseDir, maxNodes);
  } catch (error) {
    // GiveUp, or a stack overflow on deep nesting (which the full path reports).
    if (error instanceof GiveUp || error instanceof RangeError) return undefined;
    throw error;
  }
};

const build = (text: string, file: string, baseDir: string, maxNodes: number): LMap | undefined => {
  const lineCounter = new LineCounter();
  let doc: CST.Document | undefined;
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    if (token.type === "document" && doc === undefined) doc = token;
    else if (token.type !== "byte-order-mark" && token.type !== "space" && token.type !== "comment" && token.type !== "newline") return undefined;
  }
  if (doc?.value?.type !== "block-map") return undefined;

  // lineCounter.linePos, without its binary search for each node: the offsets asked for mostly move forward by a
  // line or two, so the search starts from the previous answer.
  const starts = lineCounter.lineStarts;
  let cursor = 0;
  const loc = (start: number, end: number): Loc => {
    let i = cursor;
    if (i > 0 && (starts[i - 1] as number) >= start) i = lowerBound(starts, start);
    else {
      for (let steps = 0; i < starts.length && (starts[i] as number) < start; i++) {
        if (++steps > 32) {
          i = lowerBound(starts, start);
          break;
        }
      }
    }
    cursor = i;
    if (starts[i] === start) return { file, line: i + 1, column: 1, length: end - start, baseDir };
    if (i === 0) return { file, line: 0, column: start, length: end - start, baseDir };
    return { file, line: i, column: start - (starts[i - 1] as number) + 1, length: end - start, baseDir };
  };
  // yaml's range[2] (the end after trailing comments) of the node built last: where its parent's range ends.
  let end = 0;
  let nodes = 0;
  // Collections entered; past the limit the full path reports where (nesting.ts).
  let depth = 0;
  const enter = (): void => {
    if (++depth > maxNestingDepth) giveUp();
  };
  let anchors = new Map<string, AnchorSlot>();

  const count = (n: number): void => {
    nodes += n;
    if (nodes > maxNodes) giveUp();
  };

  const scalarNode = (token: CST.FlowScalar | CST.BlockScalar, tag: MergeTag | undefined): LScalar => {
    const r = scalarText(token);
    end = r.range[2];
    const written = r.value;
    const value = tag === undefined && token.type === "scalar" ? plainValue(written) : written;
    const at = loc(r.range[0], r.range[1]);
    if (typeof value === "number" && r.plain && /^0[0-7]+$/.test(written)) {
      return tag === undefined ? { kind: "scalar", value, loc: at, raw: written } : { kind: "scalar", value, loc: at, raw: written, tag };
    }
    if (tag === undefined) return { kind: "scalar", value, loc: at };
    return { kind: "scalar", value: value === "" ? null : value, loc: at, tag };
  };

  /** A key: a scalar without properties, as a string; a plain key that reads as a number, boolean or null is refused (the full path words it). */
  const keyOf = (key: CST.Token): { name: string; at: Loc; plain: boolean } => {
    if (key.type !== "scalar" && key.type !== "single-quoted-scalar" && key.type !== "double-quoted-scalar") return giveUp();
    const r = scalarText(key);
    end = r.range[2];
    const name = key.type === "scalar" ? plainValue(r.value) : r.value;
    if (typeof name !== "string") return giveUp();
    return { name, at: loc(r.range[0], r.range[1]), plain: key.type === "scalar" };
  };

  /** Registers the node's anchor, if any, before its contents are built (`anchored` completes it after). */
  const anchor = (props: Props): AnchorSlot | undefined => {
    if (props.anchor === null) return undefined;
    const name = props.anchor.source.substring(1);
    if (name === "") giveUp();
    // Registered before its contents (an alias inside it gives up, as the full path reports it); replaced by an
    // anchor of the same name inside it, as in document order. The node itself was counted just before: its
    // expansion counts it too (size holds the count before it until `anchored`).
    const slot: AnchorSlot = { node: undefined, size: nodes - 1 };
    anchors.set(name, slot);
    return slot;
  };
  const anchored = (slot: AnchorSlot | undefined, n: LNode): LNode => {
    if (slot !== undefined) {
      slot.node = n;
      slot.size = nodes - slot.size;
    }
    return n;
  };

  const emptyNode = (offset: number, before: readonly CST.SourceToken[] | undefined, props: Props): LNode => {
    count(1);
    const tag = mergeTagOf(props.tag);
    const pos = emptyScalarPosition(offset, before);
    const slot = anchor(props);
    end = props.hasComment ? props.end : pos;
    const at = loc(pos, pos);
    return anchored(slot, tag === undefined ? { kind: "scalar", value: null, loc: at } : { kind: "scalar", value: null, loc: at, tag });
  };

  const node = (token: CST.Token, props: Props): LNode => {
    count(1);
    switch (token.type) {
      case "alias": {
        if (props.anchor || props.tag) giveUp();
        const name = token.source.substring(1);
        const slot = anchors.get(name);
        if (name === "" || name.endsWith(":") || slot?.node === undefined) return giveUp();
        count(slot.size);
        end = readEnd(token.end, token.offset + token.source.length);
        return copy(slot.node, maxNestingDepth - depth);
      }
      case "scalar":
      case "single-quoted-scalar":
      case "double-quoted-scalar":
      case "block-scalar": {
        const tag = mergeTagOf(props.tag);
        const slot = anchor(props);
        return anchored(slot, scalarNode(token, tag));
      }
      case "block-map":
      case "flow-collection": {
        const tag = mergeTagOf(props.tag);
        const slot = anchor(props);
        enter();
        const built = token.type === "block-map" ? blockMap(token, tag) : flowCollection(token, tag);
        depth--;
        return anchored(slot, built);
      }
      case "block-seq": {
        const tag = mergeTagOf(props.tag);
        const { anchor: a, newlineAfterProp: nl } = props;
        const lastProp = a && props.tag ? (a.offset > props.tag.offset ? a : props.tag) : (a ?? props.tag);
        if (lastProp && (!nl || nl.offset < lastProp.offset)) giveUp();
        const slot = anchor(props);
        enter();
        const built = blockSeq(token, tag);
        depth--;
        return anchored(slot, built);
      }
      default:
        return giveUp();
    }
  };

  /** One key: value of a mapping; `<<` collects its sources instead. */
  const addEntry = (entries: Map<string, LEntry>, merged: LMap[], key: { name: string; at: Loc; plain: boolean }, value: LNode): void => {
    // A key met twice (or two keys that read as the same string): the full path reports it or keeps the last.
    // (merged is non-empty once a plain << was read: a second "<<", quoted or not, is a duplicate key too.)
    if (entries.has(key.name) || (key.name === "<<" && merged.length > 0)) giveUp();
    if (key.name === "<<" && key.plain) {
      const sources = value.kind === "seq" ? value.items : [value];
      for (const s of sources) {
        if (s.kind !== "map") giveUp();
        merged.push(s as LMap);
      }
      if (merged.length === 0) giveUp();
      return;
    }
    entries.set(key.name, { key: key.name, keyLoc: key.at, value });
  };

  const withMerged = (entries: Map<string, LEntry>, merged: readonly LMap[]): Map<string, LEntry> => {
    // Merge keys: explicit keys win, then earlier merge sources win over later ones.
    for (const source of merged) {
      for (const [k, e] of source.entries) if (!entries.has(k)) entries.set(k, e);
    }
    return entries;
  };

  const blockMap = (bm: CST.BlockMap, tag: MergeTag | undefined): LMap => {
    let offset = bm.offset;
    let commentEnd: number | undefined;
    const entries = new Map<string, LEntry>();
    const merged: LMap[] = [];
    for (const { start, key, sep, value } of bm.items) {
      const keyProps = readProps(start, false, "explicit-key-ind", key ?? sep?.[0], offset, true);
      if (keyProps.found) giveUp(); // explicit keys (? k)
      if (key && (key.type === "block-seq" || ("indent" in key && key.indent !== bm.indent))) giveUp();
      if (!keyProps.anchor && !keyProps.tag && !sep) {
        if (key) giveUp();
        commentEnd = keyProps.end;
        continue;
      }
      if (keyProps.newlineAfterProp || containsNewline(key) || keyProps.anchor || keyProps.tag || !key) giveUp();
      const k = keyOf(key as CST.Token);
      const valueProps = readProps(sep ?? [], false, "map-value-ind", value, end, key?.type === "block-scalar");
      offset = valueProps.end;
      if (!valueProps.found) giveUp();
      if (value?.type === "block-map" && !valueProps.hasNewline) giveUp();
      const v = value ? node(value, valueProps) : emptyNode(offset, sep, valueProps);
      offset = end;
      addEntry(entries, merged, k, v);
    }
    if (commentEnd && commentEnd < offset) giveUp();
    end = commentEnd ?? offset;
    const at = loc(bm.offset, offset);
    const all = withMerged(entries, merged);
    return tag === undefined ? { kind: "map", entries: all, loc: at } : { kind: "map", entries: all, loc: at, tag };
  };

  const blockSeq = (bs: CST.BlockSequence, tag: MergeTag | undefined): LNode => {
    let offset = bs.offset;
    let commentEnd: number | undefined;
    const items: LNode[] = [];
    for (const { start, value } of bs.items) {
      const props = readProps(start, false, "seq-item-ind", value, offset, true);
      if (!props.found) {
        if (props.anchor || props.tag || value) giveUp();
        commentEnd = props.end;
        continue;
      }
      items.push(value ? node(value, props) : emptyNode(props.end, start, props));
      offset = end;
    }
    end = commentEnd ?? offset;
    const at = loc(bs.offset, offset);
    return tag === undefined ? { kind: "seq", items, loc: at } : { kind: "seq", items, loc: at, tag };
  };

  const flowCollection = (fc: CST.FlowCollection, tag: MergeTag | undefined): LNode => {
    const isMap = fc.start.source === "{";
    let offset = fc.offset + fc.start.source.length;
    const items: LNode[] = [];
    const entries = new Map<string, LEntry>();
    const merged: LMap[] = [];
    for (let i = 0; i < fc.items.length; ++i) {
      const { start, key, sep, value } = fc.items[i] as CST.CollectionItem;
      const props = readProps(start, true, "explicit-key-ind", key ?? sep?.[0], offset, false);
      if (props.found) giveUp();
      if (!props.anchor && !props.tag && !sep && !value) {
        // A trailing comma; an empty item anywhere else is an error.
        if (i === 0 || i < fc.items.length - 1) giveUp();
        offset = props.end;
        continue;
      }
      if (i === 0 ? props.comma : !props.comma) giveUp();
      if (!isMap) {
        if (sep || key || isBlock(value)) giveUp(); // pairs in a flow sequence: the full path
        items.push(value ? node(value, props) : emptyNode(props.end, sep, props));
        offset = end;
        continue;
      }
      if (!key || props.anchor || props.tag || isBlock(key) || isBlock(value)) giveUp();
      const k = keyOf(key as CST.Token);
      const valueProps = readProps(sep ?? [], true, "map-value-ind", value, end, false);
      if (!valueProps.found) giveUp();
      const v = value ? node(value, valueProps) : emptyNode(valueProps.end, sep, valueProps);
      offset = end;
      addEntry(entries, merged, k, v);
    }
    const [ce, ...rest] = fc.end;
    if (ce?.source !== (isMap ? "}" : "]")) return giveUp();
    const cePos = ce.offset + ce.source.length;
    end = rest.length > 0 ? readEnd(rest, cePos) : cePos;
    const at = loc(fc.offset, cePos);
    if (!isMap) return tag === undefined ? { kind: "seq", items, loc: at } : { kind: "seq", items, loc: at, tag };
    const all = withMerged(entries, merged);
    return tag === undefined ? { kind: "map", entries: all, loc: at } : { kind: "map", entries: all, loc: at, tag };
  };

  const docProps = readProps(doc.start, false, "doc-start", doc.value, doc.offset, true);
  if (docProps.anchor || docProps.tag || (docProps.found && !docProps.hasNewline)) return undefined;
  anchors = new Map();
  const root = node(doc.value, docProps);
  readEnd(doc.end, end);
  return root.kind === "map" ? root : undefined;
};
