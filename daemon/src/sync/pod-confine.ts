/**
 * The one confinement primitive of the container's side of a sync (issue 15): every write and every delete a batch
 * makes in the target goes through `into`, a small sh function that walks to a directory of the target one component
 * at a time, `cd -P`s into each and checks from the working directory itself (`inroot`: walking `..` until it is the
 * target, `-ef`) that it is still inside. The operation then runs there with a bare name, in a subshell that has
 * nothing else to resolve: no path through the tree is looked up after its check, so a process in the container that
 * swaps a directory of the target for a link to /etc, before a batch or during it, cannot make the sync write or
 * delete there.
 *
 * `into DIR m` makes the way (what tar did for a file's parents): a component that is a link leading outside is removed
 * and made a real directory, as the local tree has it; a missing one is made with `mkdir`. `into DIR` (no `m`, for
 * deletes) makes nothing: a component that is missing or a link leading outside means there is nothing of the target
 * there to delete, and it returns 1. A link that leads inside the target is followed, as before.
 *
 * Used by every path: deletes (`rmall`, one `rm -rf` per directory), directories (`mkds`, one `mkdir -m` per parent for those missing), the
 * tar groups of a batch (`apply`: each group is the entries of one directory under bare names, extracted in it) and
 * the staged renames (atomic-replace.ts). Written for POSIX sh: dash, bash and busybox ash with busybox's tools.
 */
import path from "node:path";
import { tarRecord } from "./tar-header.js";

/** Exit status of an operation refused because its directory could not be reached inside the target. */
export const outsideStatus = 96;

/**
 * sh defining `R` (the target: the snippet runs in it), `inroot` (the working directory is the target or under it, by
 * walking `..` from it) and `into DIR [m]` (above). Variables start with `_` so that a caller's are left alone; `into`
 * changes the working directory, so it runs in a subshell.
 */
export const intoSnippet = [
  "R=$PWD",
  'inroot() { _p=.; while [ -d "$_p" ]; do [ "$_p" -ef "$R" ] && return 0; [ "$_p" -ef / ] && return 1; _p=$_p/..; done; return 1; }',
  "into() {",
  '  _d=$1',
  '  while [ -n "$_d" ]; do',
  '    case $_d in */*) _c=${_d%%/*}; _d=${_d#*/};; *) _c=$_d; _d=;; esac',
  '    if [ -L "$_c" ] && ! (cd -P -- "./$_c" 2>/dev/null && inroot); then [ -n "$2" ] || return 1; rm -f -- "$_c" || return; fi',
  '    if [ ! -d "$_c" ]; then [ -n "$2" ] || return 1; mkdir -- "$_c" || return; fi',
  `    cd -P -- "./$_c" && inroot || return ${outsideStatus}`,
  "  done",
  "}",
].join("\n");

/**
 * sh defining `rmall PATH…`: removes each path (`rm -rf`, which removes a link, never what it points to) in its
 * directory reached with `into` (nothing made, nothing followed outside: a path under a link leading outside is not
 * there). Paths of one directory must be next to each other (sortForRemoval): they go to one `rm`.
 */
export const rmallSnippet = [
  "rmin() { (into \"$1\" || exit 0; IFS='",
  "'; set -f; exec rm -rf -- $2) }",
  "rmall() {",
  "  _pd=; _bs=; _rc=0",
  "  for _q; do",
  '    case $_q in */*) _dd=${_q%/*}; _b=${_q##*/};; *) _dd=; _b=$_q;; esac',
  '    if [ -n "$_bs" ] && [ "$_dd" != "$_pd" ]; then rmin "$_pd" "$_bs" || _rc=$?; _bs=; fi',
  '    _pd=$_dd; _bs="$_bs$_b',
  '"',
  "  done",
  '  [ -z "$_bs" ] || rmin "$_pd" "$_bs" || _rc=$?',
  '  return "$_rc"',
  "}",
].join("\n");

/** What precedes each directory's archive in `readall`'s output: a NUL (no tar header starts with one), then this. */
export const readMarker = "\0devloop-read ";

/**
 * sh defining `readall PATH…` (the puller's reads, issue 15): for each directory of the paths, reached with `into`
 * (nothing made, nothing followed outside: a directory that is missing or leads outside is skipped), the marker
 * `\0devloop-read <dir>\n` and then one `tar -c` of its regular files by bare names (a name that is now a link, a
 * directory or missing is left out), so tar resolves no path through the tree after the check. Paths of one directory
 * must be next to each other (sortForRemoval). Output: marker, archive, marker, archive… (pull-read.ts splits it).
 */
export const readallSnippet = [
  "rdin() { (into \"$1\" || exit 0; _rd=$1; _rn=$2; IFS='",
  "'; set -f; set --",
  '  for _b in $_rn; do [ -f "$_b" ] && [ ! -L "$_b" ] && set -- "$@" "$_b"; done',
  `  [ $# -gt 0 ] || exit 0; printf '\\000${readMarker.slice(1)}%s\\n' "$_rd"; exec tar -c -f - -- "$@") }`,
  "readall() {",
  "  _pd=; _bs=; _rc=0",
  "  for _q; do",
  '    case $_q in */*) _dd=${_q%/*}; _b=${_q##*/};; *) _dd=; _b=$_q;; esac',
  '    if [ -n "$_bs" ] && [ "$_dd" != "$_pd" ]; then rdin "$_pd" "$_bs" || _rc=$?; _bs=; fi',
  '    _pd=$_dd; _bs="$_bs$_b',
  '"',
  "  done",
  '  [ -z "$_bs" ] || rdin "$_pd" "$_bs" || _rc=$?',
  '  return "$_rc"',
  "}",
].join("\n");

/** Paths to remove, each directory's together (rmall sends one `rm` per run of one directory). */
export const sortForRemoval = (rels: readonly string[]): string[] =>
  [...rels].sort((a, b) => {
    const da = path.posix.dirname(a);
    const db = path.posix.dirname(b);
    return da === db ? (a < b ? -1 : a > b ? 1 : 0) : da < db ? -1 : 1;
  });

/**
 * sh defining `apply`: reads a batch's records (build-tar.ts buildRecords, tar-pack-stream.ts) from stdin until `e`:
 *
 *   d <mode> <rel>\n        a directory: made (`mkdir -m`) in its parent reached with `into … m` when missing; a link
 *                           there is replaced by it; consecutive ones of one parent and mode share one `mkdir`
 *   t <bytes> <dir>\n<tar>  the entries of one directory (`<dir>` empty: the target's root), bare names only (files,
 *                           symlinks; the root's group also holds the staged files), extracted in it with `tar -x -m`
 *   T <bytes> <dir>\n<tar>  the same, the batch's last group (then `e`)
 *   e\n                     the end
 *
 * tar never sees a path with a `/`, so it walks no directory: it writes into the one `into` checked. Each group's tar is
 * read exactly (`rd N`, or tar alone when `$xt`: GNU tar stops at the archive's end, reading a block at a time with
 * `-b 1`, or a record at a time with `-b 20` when the archive is whole records, build-tar.ts recordPadded), so a group whose
 * directory cannot be reached is drained and the next one is read. Returns the first failure (96 when a directory
 * could not be reached, 2 when the records ended early); an exact tar that failed leaves the rest of its archive
 * unread, so `q` is set and `apply` returns at once.
 */
export const applySnippet = [
  // mkds PARENT MODE NAMES: the directories NAMES (one per line) in PARENT, one mkdir for those missing; a link there
  // is removed first (the local tree has a directory).
  "mkds() {",
  "  (into \"$1\" m || exit",
  "   _m=; IFS='",
  "'; set -f",
  "   for _b in $3; do",
  '     if [ -L "$_b" ]; then rm -f -- "$_b" || exit; fi',
  '     [ -d "$_b" ] || _m="$_m$_b',
  '"',
  "   done",
  '   [ -z "$_m" ] || exec mkdir -m "$2" -- $_m)',
  "}",
  // flushd: makes the directories gathered so far (consecutive d records of one parent and mode).
  'flushd() { [ -z "$_dn" ] || mkds "$_dp" "$_dm" "$_dn" || { _s=$?; [ "$_x" -ne 0 ] || _x=$_s; }; _dn=; }',
  // untar BYTES: the group's tar from stdin, in the working directory. `_l`: the last group where stdin has no exact
  // reader (`r=dd1`, one exec): nothing the batch needs follows it, so any `head -c` will do. `_bf`: the blocking
  // factor of an exact tar, set by apply (20 for an archive of whole records, else 1).
  "untar() {",
  '  if [ -n "$xt" ]; then tar -x -b "$_bf" -m -f -',
  '  elif [ -n "$_l" ]; then head -c "$1" | { tar -x -m -f - || _e=$?; cat >/dev/null; exit "${_e:-0}"; }',
  '  else rd "$1" | { tar -x -m -f - || _e=$?; cat >/dev/null; exit "${_e:-0}"; }; fi',
  "}",
  "apply() {",
  "  _x=0; _end=; _l=; _dn=",
  "  while IFS= read -r _g; do",
  '    [ "$_g" = e ] && { flushd; _end=1; break; }',
  '    _k=${_g%% *}; _g=${_g#* }; _n=${_g%% *}; _w=${_g#* }',
  '    case $_k in',
  '      d) case $_w in */*) _pp=${_w%/*}; _bb=${_w##*/};; *) _pp=; _bb=$_w;; esac',
  '         if [ -n "$_dn" ] && { [ "$_pp" != "$_dp" ] || [ "$_n" != "$_dm" ]; }; then flushd; fi',
  '         _dp=$_pp; _dm=$_n; _dn="$_dn$_bb',
  '" ;;',
  `      t|T) flushd; [ "$_k\${r:-}" != Tdd1 ] || _l=1; _bf=1; [ $((_n % ${tarRecord})) -ne 0 ] || _bf=20`,
  '         if [ -z "$_w" ]; then untar "$_n"; else (',
  `           if ! into "$_w" m; then if [ -n "$_l" ]; then head -c "$_n"; else rd "$_n"; fi >/dev/null; exit ${outsideStatus}; fi`,
  '           if [ -n "$xt" ]; then exec tar -x -b "$_bf" -m -f -; fi',
  '           untar "$_n"); fi || {',
  '           _s=$?; [ "$_x" -ne 0 ] || _x=$_s',
  `           if [ -n "$xt" ] && [ "$_s" -ne ${outsideStatus} ]; then q=1; return "$_x"; fi`,
  "         }",
  '         [ -z "$_l" ] || { _end=1; break; } ;;',
  '      *) flushd; [ "$_x" -ne 0 ] || _x=2; q=1; return "$_x" ;;',
  "    esac",
  "  done",
  '  [ -n "$_end" ] || { flushd; [ "$_x" -ne 0 ] || _x=2; }',
  '  return "$_x"',
  "}",
].join("\n");
