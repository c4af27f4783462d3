/**
 * The persistent sync session: one exec per pod and target that stays open and applies batch after
 * batch, so an edit costs one WebSocket round trip instead of a new exec (measured on the bed under
 * load: 6 ms against 290 ms). Framing on stdin, per batch:
 *
 *   header  48 bytes  "%15d %15d %15d\n" = payload bytes (negative: gzipped), delete lines, rename lines; a
 *                     line, so the agent reads it with sh's `read` (no process)
 *   deletes           relative paths (checked: no `..`, not absolute, no newline), one per line, each directory's
 *                     together: removed by pod-confine.ts's `rmall` (one `rm -rf` per directory, reached with `into`)
 *   renames           newline-terminated targets whose files the payload holds under a staged name
 *                     (sync/atomic-replace.ts): renamed over their targets once the payload applied, removed when not
 *   payload           the batch's records (build-tar.ts buildRecords): directories, then one tar per directory with
 *                     bare names, applied by pod-confine.ts's `apply`; each tar is read exactly, so the framing holds
 *
 * The agent answers "ready <reader>" (or "ready <reader> tar", below) once it is in the target, then "done <status>"
 * per batch.
 *
 * Per batch the agent starts as few processes as it can: on a loaded node each one waits for a core (issue 12 item 6).
 * The header and the rename list are read with the `read` builtin. GNU tar with a blocking factor of 1 (`-b 1`) reads
 * the archive 512 bytes at a time and stops after its two end blocks, so it takes exactly the archive off stdin; with
 * `-b 20` it reads 10 KiB records (whole ones: it reads on until a record is full) and stops after the record that
 * holds the end, exact for an archive of whole records (build-tar.ts pads those of 10 KiB or more). The agent probes
 * both at start (empty archives followed by `ghij`: tar must succeed and leave `ghij`) and then runs
 * tar alone on its stdin for each group — one process per directory of the batch (the root's group: the staged
 * files), plus one `mv` per staged file. Busybox tar reads on to the end of its input
 * after the end blocks (and knows no -b), gzip reads ahead: those keep the exact reader in front (`rd N | tar`). A
 * failed tar may have stopped anywhere in its archive, so after a failure on that path the agent answers and exits:
 * the next batch goes through one exec, the one after opens a new session.
 *
 * Every frame is read with an exact reader: one that takes N bytes of the pipe and not one more, or the next frame is
 * lost. GNU head -c is exact; busybox head -c (alpine, busybox images) reads ahead through stdio and swallows the next
 * frame. So the agent first probes its head on a pipe, then busybox's dd with iflag=count_bytes,fullblock (64 KiB reads,
 * the last one cut to what is left: exact, and as fast as head on 8 MB, docs/benchmarks.md). With neither it answers
 * "declined <why>" and exits, and devloop uses one exec per batch for that pod (nothing follows the tar on that stdin).
 */
import type { RenameList } from "./atomic-replace.js";
import { readRenamesSnippet, renameSnippet } from "./atomic-replace.js";
import { applySnippet, intoSnippet, rmallSnippet, sortForRemoval } from "./pod-confine.js";
import { checkRelativePath, checkTargetDir } from "./sync-path.js";
import { headerChecksum, tarBlock } from "./tar-header.js";

export const headerBytes = 48;

/** How the agent reads a frame: `head -c N`, or `dd … iflag=count_bytes,fullblock` where head reads ahead. */
export type AgentReader = "head" | "dd";

/** sh that sets `r` to the first exact reader and defines `rd N` with it, or runs `orElse` (which must exit). */
export const readerSnippet = (orElse: string): string => [
  'if [ "$(printf abcdefghij | { head -c 6 >/dev/null 2>&1; cat; })" = ghij ]; then r=head; rd() { head -c "$1"; }',
  'elif [ "$(printf abcdefghij | { dd bs=4 count=6 iflag=count_bytes,fullblock >/dev/null 2>&1; cat; })" = ghij ]; then',
  '  r=dd; rd() { dd bs=65536 count="$1" iflag=count_bytes,fullblock 2>/dev/null; }',
  `else ${orElse}; fi`,
].join("\n");

/** The agent's: answers "declined …" and exits when there is no exact reader. */
const pickReader = readerSnippet('echo "declined head -c reads ahead on a pipe and dd lacks iflag=count_bytes,fullblock"; exit 0');

/**
 * sh that sets `xt` to 1 when `tar -x -b 1` and `tar -x -b 20` on a pipe each take exactly their archive and leave what
 * follows (GNU tar), else empty. The archives are tar's own empty ones (two zero blocks; a whole 10 KiB record with
 * `-b 20`); `&& cat` makes a tar that fails (busybox: no -b) leave nothing, so only an exact tar passes.
 */
export const exactTarSnippet = [
  "xt=",
  'if [ "$( { tar -c -b 20 -f - -T /dev/null && tar -c -b 1 -f - -T /dev/null && printf ghij; } 2>/dev/null | { tar -x -b 20 -m -f - && tar -x -b 1 -m -f - && cat; } 2>/dev/null )" = ghij ]; then xt=1; fi',
].join("\n");

const agentScript = [
  'mkdir -p -- "$0" && cd -- "$0" || exit 1',
  pickReader,
  exactTarSnippet,
  intoSnippet,
  rmallSnippet,
  applySnippet,
  'echo "ready $r${xt:+ tar}"',
  // t: payload bytes (< 0: gzipped), d: delete lines, n: rename lines.
  'while read -r t d n && [ -n "$n" ]; do',
  "  rc=0; x=0; q=",
  '  if [ "$d" -gt 0 ]; then',
  "    dels=; i=0; while [ \"$i\" -lt \"$d\" ] && IFS= read -r f; do dels=\"$dels$f",
  "\"; i=$((i+1)); done",
  "    IFS='",
  "'; set -f; set -- $dels; unset IFS; set +f",
  '    rmall "$@" || rc=$?',
  "  fi",
  `  ${readRenamesSnippet('"$n"')}`,
  '  if [ "$t" -gt 0 ]; then apply || x=$?',
  '  elif [ "$t" -lt 0 ]; then rd "$((-t))" | { gzip -d -c | apply; e=$?; cat >/dev/null; exit "$e"; } || x=$?; fi',
  '  if [ -n "$names" ]; then',
  renameSnippet,
  "  fi",
  '  [ "$x" -eq 0 ] || rc=$x',
  '  echo "done $rc"',
  // An exact tar failed somewhere in its archive: the rest of it is still on stdin, so the framing is lost.
  '  [ -z "$q" ] || exit 0',
  "done",
].join("\n");

export const agentCommand = (targetDir: string): string[] => ["sh", "-c", agentScript, checkTargetDir(targetDir)];

const isZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

/** A header's size field (octal, or base-256 when its first byte has the high bit), undefined when unreadable. */
const headerSize = (header: Uint8Array): number | undefined => {
  const field = header.subarray(124, 136);
  if (((field[0] ?? 0) & 0x80) !== 0) return field.subarray(1).reduce((n, b) => n * 256 + b, (field[0] ?? 0) & 0x7f);
  const text = Buffer.from(field).toString("latin1").replace(/[\0 ]+$/, "").trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : text === "" ? 0 : undefined;
};

/** A header's checksum is right: the sum of its bytes with the checksum field read as spaces (unsigned, as tar-stream writes it). */
const checksumOk = (header: Uint8Array): boolean => {
  const text = Buffer.from(header.subarray(148, 156)).toString("latin1").replace(/[\0 ]+$/, "").trim();
  return /^[0-7]+$/.test(text) && headerChecksum(header) === parseInt(text, 8);
};

/**
 * Where tar stops reading this archive: after the first two zero blocks found at a header's place, following each
 * header's size; undefined for a bad header or no end. GNU tar with `-b 1` reads exactly this far, so an archive sent to
 * an agent that runs tar alone must end exactly there: a bad header would make tar skip on to the next one it finds,
 * into the next batch or until stdin ends.
 */
export const tarExtent = (tar: Uint8Array): number | undefined => {
  let at = 0;
  while (at + 2 * tarBlock <= tar.length) {
    const header = tar.subarray(at, at + tarBlock);
    if (isZero(header)) return isZero(tar.subarray(at + tarBlock, at + 2 * tarBlock)) ? at + 2 * tarBlock : undefined;
    const size = headerSize(header);
    if (size === undefined || !checksumOk(header)) return undefined;
    at += tarBlock + Math.ceil(size / tarBlock) * tarBlock;
  }
  return undefined;
};

/**
 * One batch as bytes for the agent's stdin: `payload` is the batch's records (build-tar.ts buildRecords; gzipped when
 * `gzipped`), `deletes` relative paths (one per line: checked paths hold no newline), `renames` encodeRenames() of the
 * staged files.
 */
export const encodeRequest = (payload: Uint8Array | undefined, deletes: readonly string[], gzipped = false, renames: RenameList = { bytes: Buffer.alloc(0), count: 0 }): Buffer => {
  const list = Buffer.from(sortForRemoval(deletes.map((rel) => {
    const c = checkRelativePath(rel);
    if (!c.ok) throw new Error(`refusing to delete ${JSON.stringify(rel)}: ${c.reason}`);
    return c.rel;
  })).map((rel) => `${rel}\n`).join(""));
  const payloadBytes = (payload?.length ?? 0) * (gzipped ? -1 : 1);
  const header = `${String(payloadBytes).padStart(15)} ${String(deletes.length).padStart(15)} ${String(renames.count).padStart(15)}\n`;
  if (header.length !== headerBytes) throw new Error("sync request too large for the session header");
  return Buffer.concat([Buffer.from(header), list, renames.bytes, ...(payload ? [payload] : [])]);
};

/** `exactTar`: the agent extracts plain archives with `tar -x -b 1` straight off its stdin (no reader in front). */
export type AgentReply = { readonly kind: "ready"; readonly reader: AgentReader; readonly exactTar: boolean } | { readonly kind: "declined"; readonly reason: string } | { readonly kind: "done"; readonly status: number } | { readonly kind: "other"; readonly line: string };

export const parseReply = (line: string): AgentReply => {
  const ready = /^ready(?: (head|dd))?( tar)?$/.exec(line);
  if (ready) return { kind: "ready", reader: ready[1] === "dd" ? "dd" : "head", exactTar: ready[2] !== undefined };
  if (line.startsWith("declined ")) return { kind: "declined", reason: line.slice("declined ".length) };
  const m = /^done (\d+)$/.exec(line);
  if (m?.[1] !== undefined) return { kind: "done", status: Number(m[1]) };
  return { kind: "other", line };
};
