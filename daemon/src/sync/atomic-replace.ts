/**
 * Atomic replacement of synced regular files. `tar -x` unlinks an existing file and creates it again, so for a
 * moment an app reading it sees ENOENT or a half-written file (the example web server crashed on it). Instead each
 * file travels in the tar under a staged name — `.devloop-<batch>-<n>.devloop-tmp`, flat in the target's root — and the
 * container renames it over the target with `mv -f -T` (rename(2), atomic): a reader sees the old content or the new,
 * never neither. The suffix is one no watcher's extension list matches and the leading dot hides it from watchers that
 * skip dotfiles (nodemon, chokidar's usual ignores).
 *
 * **Nothing is written through a link** (issue 15): a process in the container may replace a directory of the target
 * by a link to /etc, before a batch lands or while it does. The staged files are flat in the root, so the extract
 * walks no directory of the target for them; the rename reaches the file's directory with pod-confine.ts's `into`
 * (one component at a time, `cd -P`, each step checked from the working directory itself to be inside the target),
 * and renames there with bare names: no path through the tree is resolved after its check. A component that is a link
 * leading outside is removed and made a real directory, as the local tree has it (the pod then equals the local
 * tree). A staged file whose directory is on another filesystem (a volume mounted inside the target) is copied by
 * `mv`, not renamed: correct, not atomic.
 *
 * A rename is one `mv` process in sh (~1 ms), so a batch with more than `maxStagedFiles` files is not staged: its files
 * are extracted under their own names by one tar per directory, in the directory `into` reached (build-tar.ts
 * buildRecords), not atomic per file (a storm: 5,000 renames would cost seconds). Directories and symlinks go the same
 * way (pod-confine.ts). A failed batch removes its staged files; the listing used by reconcile and drift repair
 * removes stale ones in the root and lists none (remote-commands.ts).
 */
import { randomBytes } from "node:crypto";
import type { PutEntry } from "./sync-plan.js";

export const stagedSuffix = ".devloop-tmp";

/** Above this many files a batch is extracted directly (not atomic per file). Measured: docs/benchmarks.md P1/P5. */
export const maxStagedFiles = 100;

/** The staged name of a batch's `n`th file: flat, in the target's root, unique to the batch (`batch`: 8 hex digits). */
export const stagedName = (batch: string, n: number): string => `.devloop-${batch}-${n}${stagedSuffix}`;

/** A name stagedName made (what commitStaged accepts from another writer): flat, nothing else. */
export const isStagedName = (name: string): boolean => /^\.devloop-[0-9a-f]{8}-\d+\.devloop-tmp$/.test(name);

/** Which files of a batch are staged (rel → staged name): all regular files, unless the batch is too big. */
export const planStaging = (puts: readonly PutEntry[], limit = maxStagedFiles): ReadonlyMap<string, string> => {
  const files = puts.filter((p) => p.kind === "file");
  const staged = new Map<string, string>();
  if (files.length > limit) return staged;
  const batch = randomBytes(4).toString("hex");
  for (const f of files) staged.set(f.rel, stagedName(batch, staged.size));
  return staged;
};

/** The files to rename into place, one per line (`<staged name>/<target>`: checked paths never hold a newline), and how many. */
export interface RenameList {
  readonly bytes: Buffer;
  readonly count: number;
}

export const encodeRenames = (staged: ReadonlyMap<string, string>): RenameList => ({
  bytes: Buffer.from([...staged].map(([rel, name]) => `${name}/${rel}\n`).join("")),
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
 * sh, run in the target after pod-confine.ts's intoSnippet, that renames each staged file of `$names` (lines
 * `<staged>/<target>`) over its target when `$x` (the extract's status) is 0, and otherwise removes the staged files; a
 * failed rename sets `rc` and the rest are removed.
 *
 * Each rename runs in a subshell that reaches the file's directory with `into … m` (a link leading outside removed, a
 * missing directory made, each step checked to be inside the target, else exit `outsideStatus`), and renames there
 * with bare names (`mv -T`: a link there is replaced, not entered); the staged file is named from the target's root,
 * which is flat. The subshell ends in `exec mv`, so it is still one process per file. A target that is a directory
 * would make `mv` fail, so a link is removed and an empty directory rmdir'ed first, as tar did.
 */
export const renameSnippet = [
  "IFS='",
  "'; set -f",
  "for l in $names; do",
  "  s=${l%%/*}; f=${l#*/}",
  "  case $f in */*) fd=${f%/*}; fb=${f##*/};; *) fd=; fb=$f;; esac",
  '  if [ "$x" -eq 0 ] && [ "$rc" -eq 0 ]; then',
  '    (into "$fd" m || exit',
  '     if [ -d "$fb" ]; then if [ -L "$fb" ]; then rm -f -- "$fb"; else rmdir -- "$fb"; fi || exit; fi',
  '     exec mv -f -T -- "$R/$s" "$fb") || rc=$?',
  "  fi",
  '  if [ "$x" -ne 0 ] || [ "$rc" -ne 0 ]; then rm -f -- "$s"; fi',
  "done",
  "unset IFS; set +f",
].join("\n");
