/**
 * GET /api/projects/:name/translation → {namespace, entries: TranslationEntry[]}: per service, each compose key and
 * the Kubernetes fields it became, as the project's last good load made them (LoadedProject.translation); the entries
 * carry key paths and field names only, never values.
 */
import type { Request, Response } from "express";
import type { Engine } from "../../engine/engine.js";
import type { TranslationEntry } from "../../translate/types.js";

export interface TranslationView {
  readonly namespace: string;
  readonly entries: readonly TranslationEntry[];
}

export const translationRoute = (engine: Engine) => (req: Request, res: Response): void => {
  const name = String(req.params["name"]);
  const loaded = engine.getState().projects[name]?.loaded;
  if (!loaded?.translation) {
    res.status(404).json({ error: { code: "unknown-project", message: `no loaded project "${name}" in the daemon`, hint: "run devloop up first" } });
    return;
  }
  res.json({ namespace: loaded.namespace, entries: loaded.translation } satisfies TranslationView);
};
