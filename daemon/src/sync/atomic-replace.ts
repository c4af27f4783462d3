/**
 * Atomic replacement of synced regular files. `tar -x` unlinks an existing file and creates it again, so for a
 * moment an app reading it sees ENOENT or a half-written file (the example web server crashed on it). Instead each
 * file travels in the tar under a staged name beside its target — `dir/.<name>.devloop-tmp`, same directory and so
 * the same filesystem — and the container renames it over the target with `mv -f` (rename(2), atomic): a reader
 * sees the old content or the new, never neither. The suffix is one no watcher's extension list matches and the
 * leading dot hides it from watchers that skip dotfiles (nodemon, chokidar's usual ignores).
 *
 * A rename is one `mv` process in sh (~1 ms), so a batch with more than `maxStagedFiles` files is extracted directly
 * as before, not atomic per file (a storm: 5,000 renames would cost seconds). Directories and symlinks are extracted
 * as before. A failed batch removes its staged files; the listing used by reconcile and drift repair skips and
 * removes stale ones (remote-commands.ts).
 */
import type { PutEntry } from "./sync-plan.js";

export const stagedSuffix = ".devloop-tmp";

/** Above this many files a batch is extracted directly (not atomic per file). Measured: docs/benchmarks.md P1/P5. */
export const maxStagedFiles = 100;

/** A file name longer than this cannot take the staged prefix and suffix within NAME_MAX (255 bytes). */
const maxNameBytes = 255 - stagedSuffix.length - 1;

/** `dir/name` → `dir/.name.devloop-tmp`; undefined when the staged name would be too long (extracted directly). */
export const stagedName = (rel: string): string | undefined => {
  const slash = rel.lastIndexOf("/");
  const dir = slash === -1 ? "" : rel.slice(0, slash + 1);
  const base = rel.slice(slash + 1);
  if (base === "" || Buffer.byteLength(base) > maxNameBytes) return undefined;
  return `${dir}.${base}${stagedSuffix}`;
};

/** Which files of a batch are staged (rel → staged name): all regular files, unless the batch is too big. */
export const planStaging = (puts: readonly PutEntry[], limit = maxStagedFiles): ReadonlyMap<string, string> => {
  const files = puts.filter((p) => p.kind === "file");
  const staged = new Map<string, string>();
  if (files.length > limit) return staged;
  for (const f of files) {
    const name = stagedName(f.rel);
    if (name !== undefined) staged.set(f.rel, name);
  }
  return staged;
};

/** The targets to rename into place, one per line (checked paths never hold a newline), and how many. */
export interface RenameList {
  readonly bytes: Buffer;
  readonly count: number;
}

export const encodeRenames = (staged: ReadonlyMap<string, string>): RenameList => ({
  bytes: Buffer.from([...staged.keys()].map((rel) => `${rel}\n`).join("")),
  count: staged.size,
});

/**
 * sh that reads `count` lines of a RenameList from stdin into `$names` with the `read` builtin: no process (a
 * `$(head -c N)` costs a fork and an exec per batch), and `read` takes no byte past each line's newline, so what
 * follows on stdin (the tar) is left for the next reader.
 */
export const readRenamesSnippet = (count: string): string =>
  `names=; i=0; while [ "$i" -lt ${count} ] && IFS= read -r f; do names="$names$f\n"; i=$((i+1)); done`;

/**
 * sh that renames each staged file in `$names` (newline-separated targets) over its target when `$x` (the extract's
 * status) is 0, and otherwise removes the staged files; a failed rename sets `rc` and the rest are removed. Runs in
 * the calling shell (no subshell): the only processes are the `mv`s. A target that is a directory (or a link to one)
 * would make `mv` move the file into it, so a link is removed and an empty directory rmdir'ed first, as tar did.
 */
export const renameSnippet = [
  "IFS='",
  "'; set -f",
  "for f in $names; do",
  `  case $f in */*) s="\${f%/*}/.\${f##*/}${stagedSuffix}";; *) s=".$f${stagedSuffix}";; esac`,
  '  if [ "$x" -eq 0 ] && [ "$rc" -eq 0 ]; then',
  '    if [ -d "$f" ]; then if [ -L "$f" ]; then rm -f -- "$f"; else rmdir -- "$f"; fi || rc=$?; fi',
  '    if [ "$rc" -eq 0 ]; then mv -f -- "$s" "$f" || rc=$?; fi',
  "  fi",
  '  if [ "$x" -ne 0 ] || [ "$rc" -ne 0 ]; then rm -f -- "$s"; fi',
  "done",
  "unset IFS; set +f",
].join("\n");
