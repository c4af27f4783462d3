/** Diagnostic codes of x-devloop.compile (documented in docs/compile.md; they keep the DL-BUILD prefix they were published with). */
export const CompileCodes = {
  compileNotMapping: "DL-BUILD-001",
  compileUnknownKey: "DL-BUILD-002",
  compileUnknownPreset: "DL-BUILD-003",
  compileBadValue: "DL-BUILD-004",
  compileMissing: "DL-BUILD-005",
} as const;

/** One line per code, for docs/errors.md (scripts/gen-errors-doc.ts). */
export const compileCodeDescriptions: Readonly<Record<string, string>> = {
  [CompileCodes.compileNotMapping]: "error: `x-devloop.compile` is not a mapping.",
  [CompileCodes.compileUnknownKey]: "error: an unknown key in `x-devloop.compile` (the nearest valid key is suggested).",
  [CompileCodes.compileUnknownPreset]: "error: an unknown compiler preset (the nearest preset is suggested).",
  [CompileCodes.compileBadValue]: "error: an `x-devloop.compile` value of the wrong shape (a relative path, a command that is not a string or list…).",
  [CompileCodes.compileMissing]: "error: a required `x-devloop.compile` key is missing after the preset is applied (image, command, output, target, source).",
};
