/** Diagnostic codes of x-devloop.compile (documented in docs/compile.md; they keep the DL-BUILD prefix they were published with). */
export const CompileCodes = {
  compileNotMapping: "DL-BUILD-001",
  compileUnknownKey: "DL-BUILD-002",
  compileUnknownPreset: "DL-BUILD-003",
  compileBadValue: "DL-BUILD-004",
  compileMissing: "DL-BUILD-005",
} as const;
