/** command / entrypoint (and develop.watch exec.command): shell-style splitting of strings, lists as written. */
import type { LNode } from "./located.js";
import { describe } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";

/** Splits a command string the way a POSIX shell would split words (quotes and backslashes). */
export const shellSplit = (text: string): string[] | undefined => {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else cur += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) cur += text[++i];
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\" && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(cur);
  return words;
};

/** command / entrypoint: a string is split like a shell would; a list is taken as is; empty means "reset". */
export const normalizeCommand = (ctx: NormalizeContext, node: LNode | undefined, p: string): readonly string[] | null | undefined => {
  if (node === undefined) return undefined;
  if (node.kind === "scalar") {
    if (node.value === null) return null;
    const words = shellSplit(String(node.value));
    if (words === undefined) {
      ctx.report("invalidValue", node, p, `${p} has an unterminated quote`, { expected: "a command string with balanced quotes, or a list", got: describe(node) });
      return undefined;
    }
    return words.length === 0 ? null : words;
  }
  const list = ctx.strList(node, p);
  return list === undefined ? undefined : list.length === 0 ? null : list;
};
