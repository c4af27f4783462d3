/**
 * Reads a build context from disk: walks it (not descending into directories .dockerignore excludes unless a `!`
 * rule could re-include something), keeps what Docker would send, and hashes each entry for the content tag.
 */
import { createHash } from "node:crypto";
import { lstat, readFile, readdir, readlink } from "node:fs/promises";
import path from "node:path";
import { createContextDirFilter, ignoreFileCandidates, selectContextEntries } from "./context-plan.js";
import type { ContextEntry } from "./context-plan.js";
import type { HashedEntry } from "./content-tag.js";

export interface ScannedEntry extends HashedEntry {
  /** Absolute path on disk. */
  readonly absolute: string;
  readonly size: number;
  /** Link target (symlinks only). */
  readonly linkTarget?: string;
}

export interface ScannedContext {
  readonly root: string;
  readonly entries: readonly ScannedEntry[];
  readonly dockerignore?: string;
  /** Context-relative path of the ignore file in use ("<Dockerfile>.dockerignore" or ".dockerignore"). */
  readonly ignoreFile?: string;
}

const readOptional = async (file: string): Promise<string | undefined> => {
  try {
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
};

const walk = async (root: string, keepDir: (rel: string) => boolean): Promise<ContextEntry[]> => {
  const out: ContextEntry[] = [];
  const visit = async (relDir: string): Promise<void> => {
    const dirents = await readdir(path.join(root, relDir), { withFileTypes: true });
    for (const dirent of dirents) {
      const rel = relDir === "" ? dirent.name : `${relDir}/${dirent.name}`;
      if (dirent.isDirectory()) {
        if (!keepDir(rel)) continue;
        out.push({ path: rel, kind: "dir" });
        await visit(rel);
      } else if (dirent.isSymbolicLink()) out.push({ path: rel, kind: "symlink" });
      else if (dirent.isFile()) out.push({ path: rel, kind: "file" });
    }
  };
  await visit("");
  return out;
};

const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

/** Reads the ignore file Docker uses for this Dockerfile (`inline`: a dockerfile_inline, only .dockerignore applies). */
export const readIgnoreFile = async (root: string, dockerfile: string | undefined): Promise<{ file?: string; text?: string }> => {
  for (const candidate of ignoreFileCandidates(dockerfile)) {
    const text = await readOptional(path.join(root, candidate));
    if (text !== undefined) return { file: candidate, text };
  }
  return {};
};

/** `inline`: the Dockerfile is build.dockerfile_inline (sent on stdin, so no "<Dockerfile>.dockerignore"). */
export const scanContext = async (root: string, dockerfile: string, inline = false): Promise<ScannedContext> => {
  const ignore = await readIgnoreFile(root, inline ? undefined : dockerfile);
  const dockerignore = ignore.text;
  const selected = selectContextEntries(await walk(root, createContextDirFilter(dockerignore)), dockerignore, dockerfile);
  const entries = await Promise.all(
    selected.map(async (entry): Promise<ScannedEntry> => {
      const absolute = path.join(root, entry.path);
      const stats = await lstat(absolute);
      const mode = stats.mode & 0o7777;
      if (entry.kind === "file") {
        return { ...entry, absolute, mode, size: stats.size, digest: sha256(await readFile(absolute)) };
      }
      if (entry.kind === "symlink") {
        const linkTarget = await readlink(absolute);
        return { ...entry, absolute, mode, size: 0, digest: sha256(linkTarget), linkTarget };
      }
      return { ...entry, absolute, mode, size: 0, digest: "" };
    }),
  );
  return { root, entries, ...(dockerignore === undefined ? {} : { dockerignore }), ...(ignore.file === undefined ? {} : { ignoreFile: ignore.file }) };
};
