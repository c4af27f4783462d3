/**
 * GET /api/projects/:name/translation → {namespace, entries: TranslationEntry[]}: per service, each compose key and
 * the Kubernetes fields it became, as the project's last good load made them (LoadedProject.translation); the entries
 * carry key paths and field names only, never values.
 */
import type { Request, Response } from "express";
import type { Engine } from "../../engine/engine.js";
import { ApiCodes } from "../../errors/api-codes.js";
import type { TranslationEntry } from "../../translate/types.js";
import { refuse } from "../api-error.js";

export interface TranslationView {
  readonly namespace: string;
  readonly entries: readonly TranslationEntry[];
}

export const translationRoute = (engine: Engine) => (req: Request, res: Response): void => {
  const name = String(req.params["name"]);
  const loaded = engine.getState().projects[name]?.loaded;
  if (!loaded?.translation) {
    refuse(res, ApiCodes.unknownProject, `no loaded project "${name}" in the daemon`, "run devloop up first");
    return;
  }
  res.json({ namespace: loaded.namespace, entries: loaded.translation } satisfies TranslationView);
};
