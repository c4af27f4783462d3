/**
 * Everything the dashboard needs beside the core API, registered by app.ts with one call:
 *   (all mutations)                       Origin / Sec-Fetch-Site must be the daemon's own page (dashboard-guard.ts)
 *   GET  /api/dashboard/session           {token} for the page, same-origin only
 *   GET  /api/projects/:name/timeline     TimelineChange[] (dashboard-timeline.ts), newest first
 *   GET  /api/projects/:name/diagnostics  DiagnosticWithSource[] (source excerpt for the caret, redacted)
 *   GET  /api/projects/:name/translation  TranslationView (compose key → Kubernetes fields)
 *   GET  /api/projects/:name/profiles     ProfilesView;  POST the same path {profiles} to switch them
 * The page itself is daemon/src/server/public/ (plain ES modules, no build), served by app.ts's express.static.
 */
import type express from "express";
import type { Engine } from "../engine/engine.js";
import { checkOrigin, sessionRoute } from "./dashboard-guard.js";
import { createTimeline } from "./dashboard-timeline.js";
import { diagnosticsRoute } from "./routes/diagnostics.js";
import { profilesRoute, setProfilesRoute } from "./routes/profiles.js";
import { translationRoute } from "./routes/translation.js";

export interface DashboardParams {
  readonly engine: Engine;
  readonly token: string;
}

export const registerDashboard = (app: express.Express, { engine, token }: DashboardParams): void => {
  const timeline = createTimeline(engine.store);
  app.use(checkOrigin);
  app.get("/api/dashboard/session", sessionRoute(token));
  app.get("/api/projects/:name/timeline", (req, res) => void res.json(timeline.changes(String(req.params["name"]))));
  app.get("/api/projects/:name/diagnostics", diagnosticsRoute(engine));
  app.get("/api/projects/:name/translation", translationRoute(engine));
  app.get("/api/projects/:name/profiles", profilesRoute(engine));
  app.post("/api/projects/:name/profiles", setProfilesRoute(engine));
};
