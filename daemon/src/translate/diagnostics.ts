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

/**
 * Where `path` was written: the path itself, else its first located descendant ("networks" →
 * "networks.front"), else its nearest located ancestor ("services.web.ports[1]" → "services.web.ports").
 */
const locate = (project: ComposeProject, path: string): { file: string; line: number; column: number } => {
  const exact = project.sourceMap[path];
  if (exact) return exact;
  const below = Object.entries(project.sourceMap)
    .filter(([p]) => p.startsWith(`${path}.`) || p.startsWith(`${path}[`))
    .map(([, at]) => at)
    .sort((a, b) => a.line - b.line || a.column - b.column)[0];
  if (below) return below;
  let current = path;
  for (;;) {
    const cut = Math.max(current.lastIndexOf("."), current.lastIndexOf("["));
    if (cut <= 0) break;
    current = current.slice(0, cut);
    const hit = project.sourceMap[current];
    if (hit) return hit;
  }
  return { file: project.composeFiles[0] ?? "", line: 0, column: 0 };
};

/** Order by file (in load order), line and column; stable for ties. */
export const sortDiagnostics = (diagnostics: readonly Diagnostic[], files: readonly string[]): Diagnostic[] => {
  const rank = (file: string): number => {
    const index = files.indexOf(file);
    return index === -1 ? files.length : index;
  };
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d.file) - rank(b.d.file) || (a.d.file < b.d.file ? -1 : a.d.file > b.d.file ? 1 : 0) || a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i)
    .map(({ d }) => d);
};

export const translateDiagnostic = (project: ComposeProject, params: TranslateDiagnosticParams): Diagnostic => {
  const at = locate(project, params.path);
  // The source map points at keys: underline the key when the diagnostic is about exactly that key.
  const key = /[^.]+$/.exec(params.path)?.[0] ?? "";
  const exact = project.sourceMap[params.path] !== undefined && key !== "";
  return {
    code: params.code,
    severity: params.severity ?? "warning",
    file: at.file,
    line: at.line,
    column: at.column,
    ...(exact ? { length: key.length } : {}),
    path: params.path,
    message: params.message,
    ...(params.expected === undefined ? {} : { expected: params.expected }),
    ...(params.got === undefined ? {} : { got: params.got }),
    ...(params.hint === undefined ? {} : { hint: params.hint }),
  };
};
