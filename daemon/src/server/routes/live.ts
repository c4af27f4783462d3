/**
 * The live loop's requests, from `devloop restart|resync|rebuild` and the dashboard's controls:
 *   POST /api/projects/:name/restart  {service?}  restart the process (supervisor) or replace the pods
 *   POST /api/projects/:name/resync   {service?}  sync every watched path into the running pods again
 *   POST /api/projects/:name/rebuild  {service?}  reload: images whose content changed are rebuilt and rolled out
 * Each dispatches one engine action (liveRequested / rebuildRequested) and answers 202 with what was asked; the
 * outcome shows up later as changes in the project's state and the dashboard's timeline. Token and Origin are
 * checked by the app-wide guards like every other mutation.
 */
import type { Request, Response } from "express";
import type { LiveActionKind, LiveActionResponse } from "../../api/types.js";
import type { Engine } from "../../engine/engine.js";
import { ApiCodes } from "../../errors/api-codes.js";
import { refuse } from "../api-error.js";

export const liveActionKinds: readonly LiveActionKind[] = ["restart", "resync", "rebuild"];

export const liveActionRoute =
  (engine: Engine, kind: LiveActionKind, now: () => number = Date.now) =>
  (req: Request, res: Response): void => {
    const name = String(req.params["name"]);
    const project = engine.getState().projects[name];
    if (!project) return refuse(res, ApiCodes.unknownProject, `no project "${name}" in the daemon`, "run devloop up first");
    if (project.status === "stopping") return refuse(res, ApiCodes.projectStopping, `project "${name}" is going down`);
    const service = (req.body as { service?: unknown } | undefined)?.service;
    if (service !== undefined && typeof service !== "string") return refuse(res, ApiCodes.badRequest, `expected {service?: string}; got service ${JSON.stringify(service)}`);
    const services = project.loaded?.services ?? [];
    const live = Object.keys(project.loaded?.live ?? {});
    if (kind !== "rebuild" && project.loaded === undefined) {
      return refuse(res, ApiCodes.projectNotLoaded, `project "${name}" has not loaded yet (${project.status}): nothing runs to ${kind}`, project.status === "invalid" ? "fix the compose diagnostics first (devloop validate)" : undefined);
    }
    if (service !== undefined && !services.includes(service)) {
      return refuse(res, ApiCodes.unknownService, `no service "${service}" in project "${name}"; its services: ${services.join(", ") || "(none)"}`);
    }
    const at = now();
    const targets = service !== undefined ? [service] : kind === "resync" ? live : services;
    let note: string | undefined;
    if (kind === "rebuild") {
      engine.dispatch({ type: "rebuildRequested", project: name, ...(service === undefined ? {} : { service }), at });
      note = "images whose content changed are rebuilt and rolled out; unchanged ones stay as they are";
    } else {
      engine.dispatch({ type: "liveRequested", project: name, kind, ...(service === undefined ? {} : { service }), at });
      const plain = targets.filter((s) => !live.includes(s));
      if (kind === "resync" && targets.length === 0) note = `no service of ${name} has develop.watch or compile rules: nothing to resync`;
      else if (kind === "resync" && service !== undefined && plain.length > 0) note = `${service} has no develop.watch or compile rules: nothing to resync there`;
      else if (kind === "restart" && plain.length > 0) note = `${plain.join(", ")}: no live rules, so the pods are replaced`;
    }
    res.status(202).json({ ok: true, project: name, action: kind, ...(service === undefined ? {} : { service }), services: kind === "resync" ? targets.filter((s) => live.includes(s)) : targets, ...(note === undefined ? {} : { note }) } satisfies LiveActionResponse);
  };
