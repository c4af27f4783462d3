/**
 * The shell commands run in the container. Paths travel as arguments ("$@") or on stdin, never inside the script
 * text, so no file name is ever interpreted by the shell. Every command starts with `cd -- <target>`, every path has
 * passed checkRelativePath(), and every write and delete goes through pod-confine.ts's `into`, so nothing reaches
 * outside the target even when a process in the container swaps a directory of it for a link.
 */
import { readRenamesSnippet, renameSnippet, stagedSuffix } from "./atomic-replace.js";
import { applySnippet, intoSnippet, readallSnippet, rmallSnippet, sortForRemoval } from "./pod-confine.js";
import { exactTarSnippet, readerSnippet } from "./session-protocol.js";
import { checkRelativePath, checkTargetDir } from "./sync-path.js";
import { frameHeaderBytes } from "./tar-pack-stream.js";

/** Keeps a command's arguments well under the apiserver's URL limits (each argument is a query parameter). */
export const maxArgBytesPerExec = 48 * 1024;

const checked = (rels: readonly string[], what = "delete"): string[] =>
  rels.map((rel) => {
    const c = checkRelativePath(rel);
    if (!c.ok) throw new Error(`refusing to ${what} ${JSON.stringify(rel)}: ${c.reason}`);
    return c.rel;
  });

/** sh that sets `rd N` to an exact reader (session-protocol.ts), or to `dd bs=1` (exact, slow: ~0.2 s per MiB). */
const execReader = readerSnippet('r=dd1; rd() { dd bs=1 count="$1" 2>/dev/null; }');

/**
 * One exec per batch: make the target, delete (`rmall`), then apply the batch's records (`apply`, pod-confine.ts:
 * directories, then one tar per directory, bare names) from stdin, `payloadBytes` of them (gzipped when asked).
 * stdin is never closed by us (Kubernetes ≤ 1.29 over WebSocket cannot half-close it): the records end themselves.
 *
 * With `renameCount` > 0, stdin starts with that many lines of encodeRenames() (the targets of the staged files,
 * sync/atomic-replace.ts), then the records; after them the staged files are renamed over their targets, or removed
 * when the records failed. Every write and delete goes through pod-confine.ts's `into`.
 */
export const syncCommand = (targetDir: string, payloadBytes: number, deletes: readonly string[], gzipped = false, renameCount = 0): string[] => {
  const target = checkTargetDir(targetDir);
  const script = [
    'mkdir -p -- "$0" && cd -- "$0" || exit 1',
    intoSnippet,
    ...(deletes.length > 0 ? [rmallSnippet, 'rmall "$@" || exit 1'] : []),
    "rc=0; x=0; xt=",
    ...(renameCount > 0 ? [readRenamesSnippet(String(Math.trunc(renameCount)))] : []),
    // Without records the staged files are already there (the Docker engine put them): only the renames.
    ...(payloadBytes > 0 ? [execReader, applySnippet] : []),
    ...(payloadBytes > 0 && !gzipped ? ["apply || x=$?"] : []),
    ...(payloadBytes > 0 && gzipped ? [`head -c ${Math.trunc(payloadBytes)} | { gzip -d -c | apply; e=$?; cat >/dev/null; exit "$e"; } || x=$?`] : []),
    ...(renameCount > 0 ? [renameSnippet] : []),
    '[ "$x" -eq 0 ] || rc=$x',
    'exit "$rc"',
  ].join("\n");
  return ["sh", "-c", script, target, ...sortForRemoval(checked(deletes))];
};

/** The exit status of streamCommand when the image has no exact frame reader (nothing was read from stdin). */
export const noReaderStatus = 97;

/**
 * One exec for a streamed batch (sync/tar-pack-stream.ts): make the target, delete, apply the framed records (gzipped
 * when asked) as their frames arrive, then read the frame of staged files and rename them into place (or remove them
 * when the records failed). Frames and groups need an exact reader (GNU head -c, or dd with iflag=count_bytes,fullblock:
 * see session-protocol.ts); without one it exits noReaderStatus before reading anything. GNU tar reads each group
 * alone (`tar -x -b 1`), as in the session.
 */
export const streamCommand = (targetDir: string, deletes: readonly string[], gzipped: boolean): string[] => {
  const target = checkTargetDir(targetDir);
  const frame = `h=$(rd ${frameHeaderBytes}) && [ \${#h} -eq ${frameHeaderBytes - 1} ] && n=$((h))`;
  const script = [
    'mkdir -p -- "$0" && cd -- "$0" || exit 1',
    readerSnippet(`exit ${noReaderStatus}`),
    exactTarSnippet,
    intoSnippet,
    applySnippet,
    ...(deletes.length > 0 ? [rmallSnippet, 'rmall "$@" || exit 1'] : []),
    "rc=0; x=0",
    `while ${frame} && [ "$n" -gt 0 ]; do rd "$n"; done | { ${gzipped ? "gzip -d -c | apply" : "apply"}; e=$?; cat >/dev/null; exit "$e"; } || x=$?`,
    `names=; if ${frame} && [ "$n" -gt 0 ]; then names=$(rd "$n"); fi`,
    renameSnippet,
    '[ "$x" -eq 0 ] || rc=$x',
    'exit "$rc"',
  ].join("\n");
  return ["sh", "-c", script, target, ...sortForRemoval(checked(deletes))];
};

/** The exit status of freshStreamCommand when the target is not empty (nothing was read from stdin). */
export const notEmptyStatus = 95;

/**
 * One exec for a streamed fill of an EMPTY target that no other process writes while it runs: a bind's tree put into
 * its devloop-bind init container (engine/live/bind-fill.ts; no other container of the pod runs then). The framed
 * stream is one plain tar of relative paths (tar-pack-stream.ts `whole`), extracted by one `tar -x` — not `apply`'s tar
 * per directory, whose thousand processes for a thousand directories took as long as the rest of the fill.
 *
 * Confinement holds without `into`: the container checks the target is empty before it reads anything (else it exits
 * notEmptyStatus and the caller sends records through streamCommand), so no link can be there, and no process but this
 * tar writes into it; the archive's paths are checked relative with no `..`, and none lies under a symlink of the
 * archive (the local walk does not descend into links; GNU tar also makes an absolute or `..` link only at the end).
 * The archive's times are kept (no -m): the host files' (tar-pack-stream.ts), as a Docker bind shows them. With the
 * extraction's, the pull-back's first look listed and hashed every file written in the second before the ready file.
 */
export const freshStreamCommand = (targetDir: string, gzipped: boolean): string[] => {
  const target = checkTargetDir(targetDir);
  const frame = `h=$(rd ${frameHeaderBytes}) && [ \${#h} -eq ${frameHeaderBytes - 1} ] && n=$((h))`;
  const script = [
    'mkdir -p -- "$0" && cd -- "$0" || exit 1',
    `[ -z "$(ls -A .)" ] || exit ${notEmptyStatus}`,
    readerSnippet(`exit ${noReaderStatus}`),
    "x=0",
    `while ${frame} && [ "$n" -gt 0 ]; do rd "$n"; done | { tar -x${gzipped ? " -z" : ""} -f - || t=$?; cat >/dev/null; exit "\${t:-0}"; } || x=$?`,
    // The frame of staged names that ends every stream: none here.
    `if ${frame} && [ "$n" -gt 0 ]; then rd "$n" >/dev/null; fi`,
    'exit "$x"',
  ].join("\n");
  return ["sh", "-c", script, target];
};

/** Splits a delete list into groups whose argument bytes stay under the limit. */
export const chunkByArgBytes = (rels: readonly string[], limit = maxArgBytesPerExec): string[][] => {
  const groups: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const rel of rels) {
    const size = Buffer.byteLength(rel) + 16;
    if (current.length > 0 && bytes + size > limit) { groups.push(current); current = []; bytes = 0; }
    current.push(rel);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
};

/**
 * A listing of the target: `<sha256>  ./path` per regular file, `symlink:<target>  ./path` per symlink. Staged files
 * a batch left behind (`.*.devloop-tmp`: a session that died mid-batch; beside their targets from devloop before the
 * flat staging) are removed, each in its directory reached with `into`, and not listed.
 */
export const listCommand = (targetDir: string): string[] => {
  const target = checkTargetDir(targetDir);
  const staged = `'.*${stagedSuffix}'`;
  const script = [
    'cd -- "$0" 2>/dev/null || exit 0',
    intoSnippet,
    rmallSnippet,
    // Removed with rmall (into: never through a directory that became a link since find saw it).
    `find . -type f -name ${staged} | { set --; while IFS= read -r f; do case \${f##*/} in .*${stagedSuffix}) set -- "$@" "\${f#./}";; esac; done; [ $# -eq 0 ] || rmall "$@"; }`,
    `find . -type f ! -name ${staged} -exec sha256sum -- {} +`,
    'find . -type l -exec sh -c \'for l; do printf "symlink:%s  %s\\n" "$(readlink -- "$l")" "$l"; done\' sh {} +',
  ].join("; ");
  return ["sh", "-c", script, target];
};

/**
 * The container's regular files modified after `since` (epoch seconds, the container's clock; 0 = all): first the
 * container's clock now (taken before the walk, so a file written during it is listed again next time), then
 * `<sha256>  ./path` per file; with `since` < 0 only the clock (a first look that starts the count). Directories in `prune` (relative: mounts inside the target, which hide the host's copy)
 * are not walked, nor staged files. Needs find's -newermt (GNU findutils); exit 2 without it.
 */
export const changedSinceCommand = (targetDir: string, since: number, prune: readonly string[]): string[] => {
  const target = checkTargetDir(targetDir);
  const staged = `'.*${stagedSuffix}'`;
  const script = [
    'cd -- "$0" 2>/dev/null || exit 0',
    "date +%s",
    'since=$1; shift; n=$#',
    '[ "$since" -ge 0 ] || exit 0',
    'for p in "$@"; do set -- "$@" -path "./$p" -prune -o; done; shift "$n"',
    `find . "$@" -type f ! -name ${staged} -newermt "@$since" -exec sha256sum -- {} + || exit 2`,
  ].join("\n");
  return ["sh", "-c", script, target, String(Math.max(-1, Math.trunc(since))), ...checked(prune, "skip")];
};

/**
 * The given regular files of the target on stdout (modes kept), each directory's as one tar of bare names after a
 * marker, read from the directory `into` reached (pod-confine.ts readall: never through a link leading outside);
 * sync/pull-read.ts splits it.
 */
export const readFilesCommand = (targetDir: string, rels: readonly string[]): string[] => {
  const target = checkTargetDir(targetDir);
  return ["sh", "-c", ['cd -- "$0" || exit 1', intoSnippet, readallSnippet, 'readall "$@"'].join("\n"), target, ...sortForRemoval(checked(rels, "read"))];
};
