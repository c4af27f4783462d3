/** Diagnostic codes of the build module (documented in docs/compile.md). */
export const BuildCodes = {
  compileNotMapping: "DL-BUILD-001",
  compileUnknownKey: "DL-BUILD-002",
  compileUnknownPreset: "DL-BUILD-003",
  compileBadValue: "DL-BUILD-004",
  compileMissing: "DL-BUILD-005",
} as const;
