/**
 * The persistent sync session: one exec per pod and target that stays open and applies batch after
 * batch, so an edit costs one WebSocket round trip instead of a new exec (measured on the bed under
 * load: 6 ms against 290 ms). Framing on stdin, per batch:
 *
 *   header  48 bytes  "%15d %15d %15d " = tar bytes (negative: the tar is gzipped), delete-list bytes,
 *                     rename-list lines
 *   deletes           NUL-separated relative paths (checked: no `..`, not absolute), removed with rm -rf
 *   renames           newline-terminated targets whose files the tar holds under a staged name
 *                     (sync/atomic-replace.ts): renamed over their targets once the extract succeeded,
 *                     removed when it failed
 *   tar               extracted with tar -x -m; whatever tar leaves unread is drained, so the framing holds
 *
 * The agent answers "ready <reader>" once it is in the target, then "done <status>" per batch.
 *
 * Every frame is read with an exact reader: one that takes N bytes of the pipe and not one more, or the next frame is
 * lost. GNU head -c is exact; busybox head -c (alpine, busybox images) reads ahead through stdio and swallows the next
 * frame. So the agent first probes its head on a pipe, then busybox's dd with iflag=count_bytes,fullblock (64 KiB reads,
 * the last one cut to what is left: exact, and as fast as head on 8 MB, docs/benchmarks.md). With neither it answers
 * "declined <why>" and exits, and devloop uses one exec per batch for that pod (nothing follows the tar on that stdin).
 */
import type { RenameList } from "./atomic-replace.js";
import { readRenamesSnippet, renameSnippet } from "./atomic-replace.js";
import { checkRelativePath, checkTargetDir } from "./sync-path.js";

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

const agentScript = [
  'mkdir -p -- "$0" && cd -- "$0" || exit 1',
  pickReader,
  'echo "ready $r"',
  `while hdr=$(rd ${headerBytes}) && [ \${#hdr} -eq ${headerBytes} ]; do`,
  "  set -- $hdr",
  "  rc=0; x=0",
  '  if [ "$2" -gt 0 ]; then rd "$2" | xargs -0 -r rm -rf -- || rc=$?; fi',
  `  ${readRenamesSnippet('"$3"')}`,
  '  if [ "$1" -gt 0 ]; then rd "$1" | { tar -x -m -f - || t=$?; cat >/dev/null; exit "${t:-0}"; } || x=$?; fi',
  '  if [ "$1" -lt 0 ]; then rd "$((-$1))" | { tar -x -z -m -f - || t=$?; cat >/dev/null; exit "${t:-0}"; } || x=$?; fi',
  '  if [ -n "$names" ]; then',
  renameSnippet,
  "  fi",
  '  [ "$x" -eq 0 ] || rc=$x',
  '  echo "done $rc"',
  "done",
].join("\n");

export const agentCommand = (targetDir: string): string[] => ["sh", "-c", agentScript, checkTargetDir(targetDir)];

/** One batch as bytes for the agent's stdin; `renames` is encodeRenames() of the tar's staged files. */
export const encodeRequest = (tar: Uint8Array | undefined, deletes: readonly string[], gzipped = false, renames: RenameList = { bytes: Buffer.alloc(0), count: 0 }): Buffer => {
  const list = Buffer.from(deletes.map((rel) => {
    const c = checkRelativePath(rel);
    if (!c.ok) throw new Error(`refusing to delete ${JSON.stringify(rel)}: ${c.reason}`);
    return `${c.rel}\0`;
  }).join(""));
  const tarBytes = (tar?.length ?? 0) * (gzipped ? -1 : 1);
  const header = `${String(tarBytes).padStart(15)} ${String(list.length).padStart(15)} ${String(renames.count).padStart(15)} `;
  if (header.length !== headerBytes) throw new Error("sync request too large for the session header");
  return Buffer.concat([Buffer.from(header), list, renames.bytes, ...(tar ? [tar] : [])]);
};

export type AgentReply = { readonly kind: "ready"; readonly reader: AgentReader } | { readonly kind: "declined"; readonly reason: string } | { readonly kind: "done"; readonly status: number } | { readonly kind: "other"; readonly line: string };

export const parseReply = (line: string): AgentReply => {
  const ready = /^ready(?: (head|dd))?$/.exec(line);
  if (ready) return { kind: "ready", reader: ready[1] === "dd" ? "dd" : "head" };
  if (line.startsWith("declined ")) return { kind: "declined", reason: line.slice("declined ".length) };
  const m = /^done (\d+)$/.exec(line);
  if (m?.[1] !== undefined) return { kind: "done", status: Number(m[1]) };
  return { kind: "other", line };
};
