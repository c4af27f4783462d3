/** Diagnostic codes of the build module (documented in docs/compile.md; 006 in docs/build.md). */
export const BuildCodes = {
  compileNotMapping: "DL-BUILD-001",
  compileUnknownKey: "DL-BUILD-002",
  compileUnknownPreset: "DL-BUILD-003",
  compileBadValue: "DL-BUILD-004",
  compileMissing: "DL-BUILD-005",
  /** A Dockerfile heredoc (RUN/COPY <<EOF): Docker 20.10's frontend rejects it (build/heredoc-check.ts). */
  heredoc: "DL-BUILD-006",
} as const;
