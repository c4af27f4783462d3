/**
 * DL-DOCTOR-016: UPX-packed executables in the build context (an ELF, PE or Mach-O header with the
 * UPX! magic in its first 4 KiB), or a RUN upx step in the final image.
 */
import path from "node:path";
import { commandWords, runScript, splitShellCommands } from "../../image/dockerfile/shell-commands.js";
import type { FindingDraft } from "../finding.js";
import type { DoctorCheck } from "./check.js";
import { finalChain, stageLabel } from "./check.js";

const HEAD_BYTES = 4096;
/** Packed executables are at least this big; smaller files are not read. */
const MIN_SIZE = 2048;
/** At most this many files are read per context, so a huge context stays cheap. */
const MAX_READS = 5000;
const READ_BATCH = 32;
const textExtensions = /\.(?:js|mjs|cjs|ts|tsx|jsx|json|ya?ml|md|txt|html?|css|scss|py|rb|go|rs|java|kt|c|h|cc|cpp|hpp|cs|php|sh|toml|lock|xml|svg|csv|sql|map)$/i;

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((byte, i) => bytes[i] === byte);

export const isExecutableHeader = (bytes: Uint8Array): boolean =>
  startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46]) || // ELF
  startsWith(bytes, [0x4d, 0x5a]) || // PE (MZ)
  startsWith(bytes, [0xcf, 0xfa, 0xed, 0xfe]) ||
  startsWith(bytes, [0xce, 0xfa, 0xed, 0xfe]) || // Mach-O
  startsWith(bytes, [0xca, 0xfe, 0xba, 0xbe]);

const UPX_MAGIC = [0x55, 0x50, 0x58, 0x21]; // "UPX!"

export const hasUpxMagic = (bytes: Uint8Array): boolean => {
  for (let i = 0; i + UPX_MAGIC.length <= bytes.length; i++) {
    if (UPX_MAGIC.every((byte, j) => bytes[i + j] === byte)) return true;
  }
  return false;
};

export const upxBinariesCheck: DoctorCheck = {
  name: "upx-binaries",
  codes: ["DL-DOCTOR-016"],
  run: async (analysis) => {
    const drafts: FindingDraft[] = [];
    const dockerfile = analysis.dockerfile;
    if (dockerfile) {
      for (const stage of finalChain(analysis)) {
        for (const instruction of stage.instructions) {
          if (instruction.keyword !== "RUN") continue;
          if (!splitShellCommands(runScript(instruction)).some((words) => commandWords(words)[0] === "upx")) continue;
          drafts.push({ code: "DL-DOCTOR-016", at: dockerfile.locate.instruction(instruction, `${stageLabel(stage)} RUN`), message: "a RUN step compresses a binary of the final image with upx" });
        }
      }
    }
    const context = analysis.context;
    if (!context) return drafts;
    const candidates = context.files.filter((file) => file.size >= MIN_SIZE && !textExtensions.test(file.path)).slice(0, MAX_READS);
    const service = analysis.service.name;
    // Read the heads a batch at a time: concurrent enough to be quick, bounded so a huge context opens few files at once.
    for (let start = 0; start < candidates.length; start += READ_BATCH) {
      const batch = candidates.slice(start, start + READ_BATCH);
      const heads = await Promise.all(batch.map((file) => analysis.fs.readHead(path.join(context.dir, file.path), HEAD_BYTES)));
      batch.forEach((file, i) => {
        const head = heads[i];
        if (!head || !isExecutableHeader(head) || !hasUpxMagic(head)) return;
        drafts.push({ code: "DL-DOCTOR-016", at: analysis.locate.file(path.join(context.dir, file.path), `services.${service}.build.context`), message: `${file.path} is a UPX-packed executable` });
      });
    }
    return drafts;
  },
};
