/**
 * GET /api/projects/:name/translation → {namespace, entries: TranslationEntry[]}: per service, each compose key and
 * the Kubernetes fields it became. Recomputed from the project's own request as the daemon's loader does
 * (adapters/translate-project.ts) and cached per generation; the entries carry key paths and field names only, never values.
 */
import type { Request, Response } from "express";
import { translateProject } from "../../adapters/translate-project.js";
import type { Engine } from "../../engine/engine.js";
import type { TranslationEntry } from "../../translate/types.js";

export interface TranslationView {
  readonly namespace: string;
  readonly entries: readonly TranslationEntry[];
}

export const translationRoute = (engine: Engine) => {
  const cache = new Map<string, { key: string; view: TranslationView }>();
  return async (req: Request, res: Response): Promise<void> => {
    const name = String(req.params["name"]);
    const project = engine.getState().projects[name];
    if (!project?.loaded) {
      res.status(404).json({ error: { code: "unknown-project", message: `no loaded project "${name}" in the daemon`, hint: "run devloop up first" } });
      return;
    }
    const key = `${project.generation}/${project.loaded.namespace}`;
    const hit = cache.get(name);
    if (hit?.key === key) {
      res.json(hit.view);
      return;
    }
    const loaded = await translateProject(project.request.options, project.loaded.namespace);
    if (!loaded.ok) {
      res.status(422).json({ error: { code: "invalid-project", message: `the compose files do not load now (${loaded.diagnostics.length} diagnostic(s))`, hint: "see the diagnostics view" } });
      return;
    }
    const view: TranslationView = { namespace: loaded.namespace, entries: loaded.translated.translation };
    cache.set(name, { key, view });
    res.json(view);
  };
};
