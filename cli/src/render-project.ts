/**
 * `devloop render` and `validate`: the project loaded and translated exactly as the daemon does
 * (daemon/src/adapters/translate-project.ts), and its diagnostics printed with source excerpts.
 */
import { translateProject } from "../../daemon/src/adapters/translate-project.js";
import type { ComposeProject } from "../../daemon/src/compose/types.js";
import type { Diagnostic } from "../../daemon/src/errors/diagnostic.js";
import { renderDiagnostics } from "../../daemon/src/errors/render.js";
import type { KubeManifest } from "../../daemon/src/translate/types.js";
import { type ComposeFlags, sourceText, toLoadOptions } from "./compose-options.js";

/** Diagnostics to stderr, with source excerpts. */
export const printDiagnostics = (diagnostics: readonly Diagnostic[]): void => {
  if (diagnostics.length === 0) return;
  const text = renderDiagnostics(diagnostics, { color: process.stderr.isTTY === true && !process.env["NO_COLOR"], source: sourceText });
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
};

export type RenderedProject =
  | { readonly ok: true; readonly project: ComposeProject; readonly namespace: string; readonly manifests: readonly KubeManifest[]; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export const renderProject = async (services: string[], flags: ComposeFlags & { readonly namespace?: string }): Promise<RenderedProject> => {
  const result = await translateProject(toLoadOptions(flags, services), flags.namespace);
  return result.ok ? { ok: true, project: result.project, namespace: result.namespace, manifests: result.translated.manifests, diagnostics: result.diagnostics } : result;
};
