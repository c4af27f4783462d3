/**
 * GET  /api/projects/:name/profiles → {available, active}: every profile some service names, and the active ones.
 * POST /api/projects/:name/profiles {profiles: string[]} → re-requests the project with those profiles (like
 * `devloop up --profile …`), keeping its namespace and other options.
 */
import type { Request, Response } from "express";
import { loadProject } from "../../compose/index.js";
import { nodeFileSystem } from "../../compose/node-file-system.js";
import type { Engine } from "../../engine/engine.js";

export interface ProfilesView {
  readonly available: readonly string[];
  readonly active: readonly string[];
}

const unknown = (res: Response, name: string): void =>
  void res.status(404).json({ error: { code: "unknown-project", message: `no project "${name}" in the daemon`, hint: "run devloop up first" } });

export const profilesRoute =
  (engine: Engine) =>
  (req: Request, res: Response): void => {
    const name = String(req.params["name"]);
    const project = engine.getState().projects[name];
    if (!project) return unknown(res, name);
    const all = loadProject({ ...project.request.options, profiles: ["*"], services: [] }, nodeFileSystem);
    const available = all.ok ? [...new Set(Object.values(all.project.services).flatMap((s) => s.profiles))].sort() : [];
    res.json({ available, active: project.request.options.profiles } satisfies ProfilesView);
  };

export const setProfilesRoute =
  (engine: Engine) =>
  (req: Request, res: Response): void => {
    const name = String(req.params["name"]);
    const project = engine.getState().projects[name];
    if (!project) return unknown(res, name);
    const profiles = (req.body as { profiles?: unknown } | undefined)?.profiles;
    if (!Array.isArray(profiles) || !profiles.every((p) => typeof p === "string" && /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(p))) {
      res.status(400).json({ error: { code: "bad-profiles", message: `expected {profiles: string[]} of profile names; got ${JSON.stringify(profiles)}` } });
      return;
    }
    engine.dispatch({ type: "projectRequested", request: { ...project.request, options: { ...project.request.options, profiles: profiles as string[] } } });
    res.json({ ok: true, project: name, profiles });
  };
