/**
 * The one diagnostic type: detection produces these as data; rendering (render.ts) is a separate step.
 * Codes are stable and documented in docs/errors.md.
 */
export type Severity = "error" | "warning";

export interface Diagnostic {
  /** Stable code, e.g. "DL-COMPOSE-012". */
  readonly code: string;
  readonly severity: Severity;
  /** Path of the file as the user named it (relative to the working directory when possible). */
  readonly file: string;
  /** 1-based line and column, taken from the YAML node. 0 when the problem has no place in a file. */
  readonly line: number;
  readonly column: number;
  /** Length of the offending source range on its first line, for the caret underline (0 = one caret). */
  readonly length?: number;
  /** Dotted key path, e.g. "services.web.ports[1]". Empty for file-level problems. */
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly got?: string;
  readonly hint?: string;
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === "error");
