/**
 * The one error base every layer's thrown errors extend (ClusterError, SyncError, KubeExecError, the CLI's UserError
 * and DaemonError, the daemon's start and listen errors): a stable code, a message worded for a human, where the
 * problem is (file:line:column and key path, when it has a place), what was expected and what was found, and at
 * most one hint. `toJSON()` gives the same shape as a compose `Diagnostic` (severity "error"), so a thrown error
 * and a diagnostic travel, render and show on the dashboard alike; a stack never goes into it.
 *
 * Every code is documented in docs/errors.md, generated from the code (scripts/gen-errors-doc.ts).
 */
import type { Diagnostic, Severity } from "./diagnostic.js";

/** A code with its severity and one line saying what it means: the row docs/errors.md shows for it. */
export interface ErrorCodeInfo {
  readonly code: string;
  readonly severity: Severity;
  readonly title: string;
}

/** Where a problem is: 1-based line and column (0 = no place in the file), the dotted key path ("" = none). */
export interface ErrorLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly keyPath: string;
}

export interface DevloopErrorDetails {
  /** Overrides the class's own code, for a more specific one of the same family. */
  readonly code?: string;
  readonly location?: ErrorLocation;
  readonly expected?: string;
  /** What was found instead (a Diagnostic's `got`). */
  readonly got?: string;
  readonly hint?: string;
  readonly cause?: unknown;
}

/** The JSON form: a Diagnostic plus the class name. */
export interface DevloopErrorJson extends Diagnostic {
  readonly name: string;
}

export abstract class DevloopError extends Error {
  /** The code the class stands for when the details name none (e.g. DL-CLUSTER-001). */
  protected abstract readonly defaultCode: string;
  private readonly details: DevloopErrorDetails;

  constructor(message: string, details: DevloopErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.details = details;
  }

  get code(): string {
    return this.details.code ?? this.defaultCode;
  }

  get location(): ErrorLocation | undefined {
    return this.details.location;
  }

  get expected(): string | undefined {
    return this.details.expected;
  }

  get got(): string | undefined {
    return this.details.got;
  }

  get hint(): string | undefined {
    return this.details.hint;
  }

  /** The error as a diagnostic (severity error), for the places that show diagnostics: validate output, the dashboard. */
  toDiagnostic(): Diagnostic {
    const at = this.details.location;
    return {
      code: this.code,
      severity: "error",
      file: at?.file ?? "",
      line: at?.line ?? 0,
      column: at?.column ?? 0,
      path: at?.keyPath ?? "",
      message: this.message,
      ...(this.details.expected === undefined ? {} : { expected: this.details.expected }),
      ...(this.details.got === undefined ? {} : { got: this.details.got }),
      ...(this.details.hint === undefined ? {} : { hint: this.details.hint }),
    };
  }

  toJSON(): DevloopErrorJson {
    return { name: this.name, ...this.toDiagnostic() };
  }
}
