/**
 * Confinement: every path that leaves the machine is a clean, relative, POSIX path that stays inside
 * its watched root locally and inside its target directory in the container.
 */
import path from "node:path";

export type PathCheck = { readonly ok: true; readonly rel: string } | { readonly ok: false; readonly reason: string };

/** Rejects anything that could escape a target directory: absolute, `..`, empty segments, NUL or newline. */
export const checkRelativePath = (rel: string): PathCheck => {
  if (rel === "" || rel === ".") return { ok: false, reason: "the path is empty (it names the root itself)" };
  if (rel.includes("\0")) return { ok: false, reason: "the path contains a NUL byte" };
  if (rel.includes("\n")) return { ok: false, reason: "the path contains a newline" };
  if (rel.startsWith("/") || path.win32.isAbsolute(rel)) return { ok: false, reason: "absolute paths are not allowed; expected a path relative to the watched root" };
  const segments = rel.split("/");
  if (segments.some((s) => s === "..")) return { ok: false, reason: "the path contains `..` and would leave its target" };
  const clean = segments.filter((s) => s !== "" && s !== ".").join("/");
  if (clean === "") return { ok: false, reason: "the path is empty (it names the root itself)" };
  return { ok: true, rel: clean };
};

/** Local absolute path → path relative to the watched root (POSIX separators), refused when outside the root. */
export const toRootRelative = (root: string, absOrRel: string): PathCheck => {
  const abs = path.isAbsolute(absOrRel) ? path.normalize(absOrRel) : path.join(root, absOrRel);
  const rel = path.relative(path.normalize(root), abs);
  if (rel === "" ) return { ok: false, reason: "the path is the watched root itself" };
  if (rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    return { ok: false, reason: `the path is outside the watched root ${root}` };
  }
  return checkRelativePath(rel.split(path.sep).join("/"));
};

/** True when `child` (absolute, normalised) is `parent` or lies under it. */
export const isInside = (parent: string, child: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
};

/** Validates a container target directory: absolute, no `..`, not the filesystem root. */
export const checkTargetDir = (targetDir: string): string => {
  if (!targetDir.startsWith("/")) throw new Error(`sync target ${JSON.stringify(targetDir)} must be an absolute container path`);
  if (targetDir.split("/").includes("..")) throw new Error(`sync target ${JSON.stringify(targetDir)} must not contain \`..\``);
  const clean = path.posix.normalize(targetDir).replace(/\/+$/, "");
  if (clean === "") throw new Error("sync target / (the container's root) is refused; name a directory such as /app");
  return clean;
};

/** One line a user can act on: names the path and says why it was refused. */
export const refusalMessage = (root: string, rel: string, reason: string): string =>
  `refused to sync ${JSON.stringify(rel)} (under ${root}): ${reason}`;
