/**
 * services.*.label_file: labels read from files (one path or a list, relative to the file that names them), as
 * Docker's --label-file reads them: one `key=value` per line, taken literally (no quotes, no interpolation), a line
 * without `=` is a label with an empty value, blank lines and `#` lines are skipped. A later file wins over an earlier
 * one, and `labels:` wins over every file.
 */
import path from "node:path";
import { displayPath } from "./discover.js";
import type { LNode } from "./located.js";
import { joinPath } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { ComposeFileSystem } from "./types.js";

export const parseLabelFile = (text: string): Record<string, string> => {
  const labels: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === "" || line.startsWith("#")) continue;
    const cut = line.indexOf("=");
    const key = (cut < 0 ? line : line.slice(0, cut)).trim();
    if (key !== "") labels[key] = cut < 0 ? "" : line.slice(cut + 1);
  }
  return labels;
};

export interface LabelFileParams {
  readonly ctx: NormalizeContext;
  readonly node: LNode | undefined;
  readonly path: string;
  readonly fs: ComposeFileSystem;
  readonly cwd: string;
}

/** The labels of every label_file entry, in order (a later file wins); a missing file is an error. */
export const readLabelFiles = ({ ctx, node, path: p, fs, cwd }: LabelFileParams): Record<string, string> => {
  if (node === undefined) return {};
  const items = node.kind === "seq" ? node.items : [node];
  const labels: Record<string, string> = {};
  items.forEach((item, i) => {
    const itemPath = node.kind === "seq" ? joinPath(p, i) : p;
    const file = ctx.str(item, itemPath);
    if (file === undefined) return;
    const abs = path.resolve(item.loc.baseDir, file);
    const text = fs.readFile(abs);
    if (text === undefined) {
      ctx.report("labelFileNotFound", item, itemPath, `label file ${displayPath(abs, cwd)} does not exist`, { hint: "create it, or remove it from label_file" });
      return;
    }
    Object.assign(labels, parseLabelFile(text));
  });
  return labels;
};
