/**
 * Everything the dashboard needs beside the core API, registered by app.ts with one call:
 *   (all mutations)                       Origin / Sec-Fetch-Site must be the daemon's own page (dashboard-guard.ts)
 *   POST /api/dashboard/login-link        {url}: a one-time sign-in link for a browser (token holders only, auth.ts)
 *   GET  /api/projects/:name/timeline     TimelineChange[] (engine/timeline.ts, from the store), newest first
 *   GET  /api/projects/:name/diagnostics  DiagnosticWithSource[] (source excerpt for the caret, redacted)
 *   GET  /api/projects/:name/translation  TranslationView (compose key → Kubernetes fields)
 *   GET  /api/projects/:name/profiles     ProfilesView;  POST the same path {profiles} to switch them
 * The page itself is daemon/src/server/public/ (plain ES modules, no build), served by app.ts's express.static.
 */
import type express from "express";
import type { Engine } from "../engine/engine.js";
import { ApiCodes } from "../errors/api-codes.js";
import { refuse } from "./api-error.js";
import type { Auth } from "./auth.js";
import { checkOrigin } from "./dashboard-guard.js";
import { diagnosticsRoute } from "./routes/diagnostics.js";
import { profilesRoute, setProfilesRoute } from "./routes/profiles.js";
import { translationRoute } from "./routes/translation.js";

export interface DashboardParams {
  readonly engine: Engine;
  readonly auth: Auth;
}

export const registerDashboard = (app: express.Express, { engine, auth }: DashboardParams): void => {
  app.use(checkOrigin);
  app.get("/login", auth.login);
  app.post("/api/dashboard/login-link", (req, res) => {
    // Only a token holder mints links: a signed-in page cannot mint more (nor hand them to another origin).
    if (auth.check(req) !== "token") {
      refuse(res, ApiCodes.tokenRequired, "a sign-in link is minted for a holder of the token only", "run devloop daemon status");
      return;
    }
    res.set("Cache-Control", "no-store").json({ url: `http://127.0.0.1:${req.socket.localPort ?? 0}/login?t=${auth.issueLoginNonce()}` });
  });
  app.get("/api/projects/:name/timeline", (req, res) => void res.json(engine.timeline(String(req.params["name"]))));
  app.get("/api/projects/:name/diagnostics", diagnosticsRoute(engine));
  app.get("/api/projects/:name/translation", translationRoute(engine));
  app.get("/api/projects/:name/profiles", profilesRoute(engine));
  app.post("/api/projects/:name/profiles", setProfilesRoute(engine));
};
