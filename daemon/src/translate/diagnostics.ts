/** Translation diagnostics, located through the project's source map when the key came from a file. */
import type { ComposeProject } from "../compose/types.js";
import type { Diagnostic, Severity } from "../errors/diagnostic.js";

export interface TranslateDiagnosticParams {
  readonly code: string;
  readonly path: string;
  readonly message: string;
  readonly severity?: Severity;
  readonly expected?: string;
  readonly got?: string;
  readonly hint?: string;
}

/** The nearest located ancestor of `path` ("services.web.ports[1].x" → "services.web.ports[1]" → …). */
const locate = (project: ComposeProject, path: string): { file: string; line: number; column: number } => {
  let current = path;
  for (;;) {
    const hit = project.sourceMap[current];
    if (hit) return hit;
    const cut = Math.max(current.lastIndexOf("."), current.lastIndexOf("["));
    if (cut <= 0) break;
    current = current.slice(0, cut);
  }
  return { file: project.composeFiles[0] ?? "", line: 0, column: 0 };
};

export const translateDiagnostic = (project: ComposeProject, params: TranslateDiagnosticParams): Diagnostic => {
  const at = locate(project, params.path);
  return {
    code: params.code,
    severity: params.severity ?? "warning",
    file: at.file,
    line: at.line,
    column: at.column,
    path: params.path,
    message: params.message,
    ...(params.expected === undefined ? {} : { expected: params.expected }),
    ...(params.got === undefined ? {} : { got: params.got }),
    ...(params.hint === undefined ? {} : { hint: params.hint }),
  };
};
