/**
 * GET  /api/projects/:name/profiles → {available, active}: every profile some service names (from the project's last
 * good load, LoadedProject.profiles), and the active ones.
 * POST /api/projects/:name/profiles {profiles: string[]} → re-requests the project with those profiles (like
 * `devloop up --profile …`), keeping its namespace and other options.
 */
import type { Request, Response } from "express";
import type { Engine } from "../../engine/engine.js";
import { ApiCodes } from "../../errors/api-codes.js";
import { refuse } from "../api-error.js";

export interface ProfilesView {
  readonly available: readonly string[];
  readonly active: readonly string[];
}

const unknown = (res: Response, name: string): void =>
  refuse(res, ApiCodes.unknownProject, `no project "${name}" in the daemon`, "run devloop up first");

export const profilesRoute =
  (engine: Engine) =>
  (req: Request, res: Response): void => {
    const name = String(req.params["name"]);
    const project = engine.getState().projects[name];
    if (!project) return unknown(res, name);
    res.json({ available: project.loaded?.profiles ?? [], active: project.request.options.profiles } satisfies ProfilesView);
  };

export const setProfilesRoute =
  (engine: Engine) =>
  (req: Request, res: Response): void => {
    const name = String(req.params["name"]);
    const project = engine.getState().projects[name];
    if (!project) return unknown(res, name);
    const profiles = (req.body as { profiles?: unknown } | undefined)?.profiles;
    if (!Array.isArray(profiles) || !profiles.every((p) => typeof p === "string" && /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(p))) {
      refuse(res, ApiCodes.badProfiles, `expected {profiles: string[]} of profile names; got ${JSON.stringify(profiles)}`);
      return;
    }
    engine.dispatch({ type: "projectRequested", request: { ...project.request, options: { ...project.request.options, profiles: profiles as string[] } } });
    res.json({ ok: true, project: name, profiles });
  };
