/**
 * The shell commands run in the container. Paths travel as arguments ("$@"), never inside the script
 * text, so no file name is ever interpreted by the shell. Every command starts with `cd -- <target>`,
 * and every path has passed checkRelativePath(), so nothing reaches outside the target.
 */
import { readRenamesSnippet, renameSnippet, stagedSuffix } from "./atomic-replace.js";
import { readerSnippet } from "./session-protocol.js";
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

/**
 * One exec per batch: make the target, delete, then extract exactly `tarBytes` bytes from stdin.
 * stdin is never closed by us (Kubernetes ≤ 1.29 over WebSocket cannot half-close it): `head -c`
 * reads the framed length and tar stops at the archive's end.
 *
 * With `renameCount` > 0, stdin starts with that many lines of encodeRenames() (the targets of the tar's staged files,
 * sync/atomic-replace.ts), then the tar; after the extract the staged files are renamed over their targets, or
 * removed when the extract failed.
 */
export const syncCommand = (targetDir: string, tarBytes: number, deletes: readonly string[], gzipped = false, renameCount = 0): string[] => {
  const target = checkTargetDir(targetDir);
  const z = gzipped ? " -z" : "";
  if (renameCount > 0) {
    const script = [
      'mkdir -p -- "$0" && cd -- "$0" || exit 1',
      ...(deletes.length > 0 ? ['rm -rf -- "$@" || exit 1'] : []),
      "rc=0; x=0",
      readRenamesSnippet(String(Math.trunc(renameCount))),
      // Without a tar the staged files are already there (the Docker engine put them): only the renames.
      ...(tarBytes > 0 ? [`head -c ${Math.trunc(tarBytes)} | { tar -x${z} -m -f - || t=$?; cat >/dev/null; exit "\${t:-0}"; } || x=$?`] : []),
      renameSnippet,
      '[ "$x" -eq 0 ] || rc=$x',
      'exit "$rc"',
    ].join("\n");
    return ["sh", "-c", script, target, ...checked(deletes)];
  }
  const steps = ['mkdir -p -- "$0"', 'cd -- "$0"'];
  if (deletes.length > 0) steps.push('rm -rf -- "$@"');
  if (tarBytes > 0) steps.push(`head -c ${Math.trunc(tarBytes)} | tar -x${z} -m -f -`);
  return ["sh", "-c", `set -e; ${steps.join("; ")}`, target, ...checked(deletes)];
};

/** The exit status of streamCommand when the image has no exact frame reader (nothing was read from stdin). */
export const noReaderStatus = 97;

/**
 * One exec for a streamed archive (sync/tar-pack-stream.ts): make the target, delete, extract the framed tar (gzipped
 * when asked) as its frames arrive, then read the frame of staged files and rename them into place (or remove them when
 * the extract failed). Frames need an exact reader (GNU head -c, or dd with iflag=count_bytes,fullblock: see
 * session-protocol.ts); without one it exits noReaderStatus before reading anything.
 */
export const streamCommand = (targetDir: string, deletes: readonly string[], gzipped: boolean): string[] => {
  const target = checkTargetDir(targetDir);
  const z = gzipped ? " -z" : "";
  const frame = `h=$(rd ${frameHeaderBytes}) && [ \${#h} -eq ${frameHeaderBytes - 1} ] && n=$((h))`;
  const script = [
    'mkdir -p -- "$0" && cd -- "$0" || exit 1',
    readerSnippet(`exit ${noReaderStatus}`),
    ...(deletes.length > 0 ? ['rm -rf -- "$@" || exit 1'] : []),
    "rc=0; x=0",
    `while ${frame} && [ "$n" -gt 0 ]; do rd "$n"; done | { tar -x${z} -m -f - || t=$?; cat >/dev/null; exit "\${t:-0}"; } || x=$?`,
    `names=; if ${frame} && [ "$n" -gt 0 ]; then names=$(rd "$n"); fi`,
    renameSnippet,
    '[ "$x" -eq 0 ] || rc=$x',
    'exit "$rc"',
  ].join("\n");
  return ["sh", "-c", script, target, ...checked(deletes)];
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
 * a batch left behind (`.*.devloop-tmp`: a session that died mid-batch) are removed and not listed.
 */
export const listCommand = (targetDir: string): string[] => {
  const target = checkTargetDir(targetDir);
  const staged = `'.*${stagedSuffix}'`;
  const script = [
    'cd -- "$0" 2>/dev/null || exit 0',
    `find . -type f -name ${staged} -exec rm -f -- {} +`,
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

/** A tar of the given files of the target on stdout (modes kept). */
export const readFilesCommand = (targetDir: string, rels: readonly string[]): string[] => {
  const target = checkTargetDir(targetDir);
  return ["sh", "-c", 'cd -- "$0" && tar -c -f - -- "$@"', target, ...checked(rels, "read")];
};
