/**
 * The checks yaml's composer makes on the tokens around a node (its resolveProps and resolveEnd), for the CST fast
 * path (`parse-cst.ts`). Where yaml would report an error or a warning, `giveUp()` throws and the loader takes the
 * full path, which reports it; the fast path never words a diagnostic itself. Tabs in white space give up too
 * (yaml's tab-as-indentation rules are not worth repeating here).
 */
import type { CST } from "yaml";

/** Thrown by the fast path when it cannot prove the file clean. */
export class GiveUp extends Error {}

export const giveUp = (): never => {
  throw new GiveUp("not on the fast path");
};

export interface Props {
  /** The indicator searched for (`-`, `:`, `?`, `---`), if present. */
  readonly found: CST.SourceToken | null;
  readonly anchor: CST.SourceToken | null;
  readonly tag: CST.SourceToken | null;
  readonly comma: CST.SourceToken | null;
  readonly hasNewline: boolean;
  readonly newlineAfterProp: CST.SourceToken | null;
  readonly hasComment: boolean;
  /** Offset just after the last token. */
  readonly end: number;
}

export const readProps = (
  tokens: readonly CST.SourceToken[],
  flow: boolean,
  indicator: CST.SourceToken["type"],
  next: CST.Token | null | undefined,
  offset: number,
  startOnNewline: boolean,
): Props => {
  let hasSpace = startOnNewline;
  let hasNewline = false;
  let hasComment = false;
  let reqSpace = false;
  let anchor: CST.SourceToken | null = null;
  let tag: CST.SourceToken | null = null;
  let newlineAfterProp: CST.SourceToken | null = null;
  let comma: CST.SourceToken | null = null;
  let found: CST.SourceToken | null = null;
  for (const token of tokens) {
    if (reqSpace) {
      if (token.type !== "space" && token.type !== "newline" && token.type !== "comma") giveUp();
      reqSpace = false;
    }
    switch (token.type) {
      case "space":
        if (token.source.includes("\t")) giveUp();
        hasSpace = true;
        break;
      case "comment":
        if (!hasSpace) giveUp();
        hasComment = true;
        break;
      case "newline":
        hasNewline = true;
        if (anchor || tag) newlineAfterProp = token;
        hasSpace = true;
        break;
      case "anchor":
        if (anchor || token.source.endsWith(":")) giveUp();
        anchor = token;
        hasSpace = false;
        reqSpace = true;
        break;
      case "tag":
        if (tag) giveUp();
        tag = token;
        hasSpace = false;
        reqSpace = true;
        break;
      default:
        if (token.type === indicator) {
          if (anchor || tag || found) giveUp();
          found = token;
          hasSpace = false;
        } else if (token.type === "comma" && flow) {
          if (comma) giveUp();
          comma = token;
          hasSpace = false;
        } else giveUp();
    }
  }
  const last = tokens[tokens.length - 1];
  const end = last ? last.offset + last.source.length : offset;
  if (reqSpace && next && next.type !== "space" && next.type !== "newline" && next.type !== "comma" && !(next.type === "scalar" && next.source === "")) giveUp();
  return { found, anchor, tag, comma, hasNewline, newlineAfterProp, hasComment, end };
};

/** Offset after the white space and comments that follow a node (yaml's resolveEnd, strict off). */
export const readEnd = (end: readonly CST.SourceToken[] | undefined, offset: number): number => {
  if (!end) return offset;
  let at = offset;
  for (const token of end) {
    if (token.type !== "space" && token.type !== "comment" && token.type !== "newline") giveUp();
    at += token.source.length;
  }
  return at;
};

/** Where yaml places an empty value (its emptyScalarPosition). */
export const emptyScalarPosition = (offset: number, before: readonly CST.SourceToken[] | undefined): number => {
  if (!before) return offset;
  let at = offset;
  for (let i = before.length - 1; i >= 0; --i) {
    let st = before[i];
    if (st && (st.type === "space" || st.type === "comment" || st.type === "newline")) {
      at -= st.source.length;
      continue;
    }
    st = before[++i];
    while (st?.type === "space") {
      at += st.source.length;
      st = before[++i];
    }
    break;
  }
  return at;
};

/** yaml's containsNewline for an implicit key. */
export const containsNewline = (key: CST.Token | null | undefined): boolean => {
  if (!key) return false;
  switch (key.type) {
    case "alias":
    case "scalar":
    case "double-quoted-scalar":
    case "single-quoted-scalar":
      if (key.source.includes("\n")) return true;
      return key.end?.some((st) => st.type === "newline") ?? false;
    case "flow-collection":
      for (const it of key.items) {
        if (it.start.some((st) => st.type === "newline")) return true;
        if (it.sep?.some((st) => st.type === "newline")) return true;
        if (containsNewline(it.key) || containsNewline(it.value)) return true;
      }
      return false;
    default:
      return true;
  }
};
