/**
 * The path filters of the live loop, read from disk: a develop.watch rule's (its root's .gitignore, the rule's
 * ignore/include, and the build context's .dockerignore when the rule lies inside the context, matched against the
 * context-relative path as Docker does), a file rule's (that one file), and a compile source's.
 */
import path from "node:path";
import type { LiveRule } from "../translate/types.js";
import { readIgnoreFiles } from "./ignore-files.js";
import type { PathFilter } from "./path-filter.js";
import { createPathFilter } from "./path-filter.js";

const toPosix = (p: string): string => p.split(path.sep).join("/");

export const ruleFilter = async (rule: LiveRule): Promise<PathFilter> => {
  if (rule.only !== undefined) {
    const only = rule.only;
    return (rel, isDirectory) => !isDirectory && rel === only;
  }
  const { gitignore } = await readIgnoreFiles(rule.localRoot);
  const own = createPathFilter({ gitignore, ignore: rule.ignore, include: rule.include });
  if (rule.contextDir === undefined) return own;
  const { dockerignore } = await readIgnoreFiles(rule.contextDir);
  if (dockerignore.length === 0) return own;
  const context = createPathFilter({ dockerignore, defaults: [] });
  const prefix = toPosix(path.relative(rule.contextDir, rule.localRoot));
  return (rel, isDirectory) => own(rel, isDirectory) && context(prefix === "" ? rel : `${prefix}/${rel}`, isDirectory);
};

export const sourceFilter = async (dir: string): Promise<PathFilter> => {
  const { gitignore, dockerignore } = await readIgnoreFiles(dir);
  return createPathFilter({ gitignore, dockerignore });
};
