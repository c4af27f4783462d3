/**
 * `devloop render`, `validate`, `build`, `run` and `up --dry-run`: the project loaded and translated exactly as the
 * daemon does (daemon/src/project/load-project.ts, on the local disk), and its diagnostics printed with source excerpts.
 */
import type { ComposeProject } from "../../daemon/src/compose/types.js";
import type { Diagnostic } from "../../daemon/src/errors/diagnostic.js";
import { renderDiagnostics } from "../../daemon/src/errors/render.js";
import { loadProject } from "../../daemon/src/project/load-project.js";
import { nodeProjectFiles, osUser } from "../../daemon/src/project/node-project-files.js";
import { loadProjectAssets } from "../../daemon/src/project/project-assets.js";
import type { KubeManifest, ServiceLive } from "../../daemon/src/translate/types.js";
import { type ComposeFlags, sourceText, toLoadOptions } from "./compose-options.js";

/** Diagnostics to stderr, with source excerpts. */
export const printDiagnostics = (diagnostics: readonly Diagnostic[]): void => {
  if (diagnostics.length === 0) return;
  const text = renderDiagnostics(diagnostics, { color: process.stderr.isTTY === true && !process.env["NO_COLOR"], source: sourceText });
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
};

export type RenderedProject =
  | { readonly ok: true; readonly project: ComposeProject; readonly namespace: string; readonly manifests: readonly KubeManifest[]; readonly live: Readonly<Record<string, ServiceLive>>; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export const renderProject = async (services: string[], flags: ComposeFlags & { readonly namespace?: string }): Promise<RenderedProject> => {
  const user = osUser();
  const request = { options: toLoadOptions(flags, services), ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }) };
  const result = await loadProject(nodeProjectFiles, request, { assets: await loadProjectAssets(), ...(user === undefined ? {} : { user }) });
  return result.ok ? { ok: true, project: result.compose, namespace: result.project.namespace, manifests: result.translated.manifests, live: result.translated.live, diagnostics: result.diagnostics } : result;
};
