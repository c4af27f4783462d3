/**
 * The daemon's local API (express on 127.0.0.1): just another subscriber of the engine. Every route needs the
 * token or a session cookie (auth.ts) except GET /api/health's bare answer, GET /login and the static files.
 *   GET  /api/health                      {ok: true}; with the token also the daemon's pid, version, startedAt
 *   GET  /api/state                       StateSnapshot
 *   GET  /api/events                      SSE of PublicEvent (id = seq; Last-Event-ID / ?since=N)
 *   POST /api/projects                    UpRequest → UpResponse (`devloop up`)
 *   POST /api/projects/:name/down         DownRequest (`devloop down`)
 *   POST /api/projects/:name/namespace    {namespace} (`devloop ns use`)
 *   POST /api/projects/:name/restart      {service?} → 202 LiveActionResponse (`devloop restart`; also resync, rebuild)
 *   GET  /api/projects/:name/logs         ndjson log lines (`devloop logs`)
 *   GET  /api/namespaces                  NamespaceInfo[] (`devloop ns list`)
 * Static files from publicDir (the dashboard) when given.
 */
import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import express from "express";
import type { NextFunction, Request, Response } from "express";
import type { DownRequest, NamespaceInfo, StateSnapshot, UpRequest, UpResponse } from "../api/types.js";
import { kubeHeaders } from "../api/types.js";
import { checkContext, parseAllowedContexts } from "../policy/context-guard.js";
import { tearDown } from "../engine/controllers/down-controller.js";
import type { Engine } from "../engine/engine.js";
import { Labels, MANAGED_BY } from "../translate/labels.js";
import { toPublicProject } from "../engine/public-view.js";
import type { EngineState } from "../engine/state.js";
import { ApiCodes } from "../errors/api-codes.js";
import type { Logger } from "../log/logger.js";
import type { ClusterClient } from "../ports/cluster.js";
import type { CallerTargets, KubeTargetRef } from "../ports/kube-targets.js";
import { ApiRequestError, refuse, sendApiError } from "./api-error.js";
import { registerDashboard } from "./dashboard.js";
import { createAuth } from "./auth.js";
import { checkHost, securityHeaders } from "./guard.js";
import { eventsRoute } from "./routes/events.js";
import { liveActionKinds, liveActionRoute } from "./routes/live.js";
import { logsRoute } from "./routes/logs.js";

export interface AppParams {
  /** Its config controller loads the projects `up` asks for (POST /api/projects dispatches upRequested and waits). */
  readonly engine: Engine;
  readonly cluster: ClusterClient;
  readonly token: string;
  readonly daemon: { readonly pid: number; readonly startedAt: number; readonly version: string };
  /** The kube context the daemon talks to; an `up --context` naming another one is refused (without `targets`). */
  readonly context?: string;
  /**
   * Serve each call under its caller's kubeconfig and context (request headers): `up` pins them on the project,
   * refuses a context the guard does not allow and a namespace the identity may not use, at once.
   */
  readonly targets?: CallerTargets;
  readonly log: Logger;
  readonly publicDir?: string;
  readonly onShutdownRequested?: () => void;
}

const waitFor = (engine: Engine, predicate: (s: EngineState) => boolean, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    if (predicate(engine.getState())) {
      resolve(true);
      return;
    }
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(false);
    }, timeoutMs);
    const unsubscribe = engine.store.subscribe((state) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(true);
    });
  });

/** How long an up waits for its load (the down route waits as long for its teardown). */
const loadTimeoutMs = 180_000;

export const snapshot = (engine: Engine, daemon: AppParams["daemon"]): StateSnapshot => {
  const state = engine.getState();
  return { seq: engine.events.lastSeq(), daemon, cluster: state.cluster, projects: Object.values(state.projects).map((p) => toPublicProject(p)) };
};

/**
 * Whether a URL path names a regular file under dir ("/" is index.html): what express.static would serve, and
 * what anyone may fetch. Checked per request, so a file added to the page while the daemon runs is served too.
 */
export const staticFile =
  (dir: string) =>
  (urlPath: string): boolean => {
    let rel: string;
    try {
      rel = decodeURIComponent(urlPath === "/" ? "/index.html" : urlPath);
    } catch {
      return false;
    }
    if (rel.includes("\0") || rel.split(/[/\\]/).some((segment) => segment === ".." || segment.startsWith("."))) return false;
    try {
      return statSync(join(dir, rel)).isFile();
    } catch {
      return false;
    }
  };

const header = (req: Request, name: string): string | undefined => {
  const value = req.header(name);
  if (value === undefined || value === "") return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
};

/** The caller's kube target from its headers (the dashboard sends none: the daemon's own kubeconfig). */
const callerRef = (req: Request): KubeTargetRef => {
  const kubeconfig = header(req, kubeHeaders.kubeconfig);
  const context = header(req, kubeHeaders.context);
  return { ...(kubeconfig === undefined ? {} : { kubeconfig }), ...(context === undefined ? {} : { context }) };
};

export const createApp = (params: AppParams): express.Express => {
  const { engine, cluster, token, daemon, log } = params;
  const auth = createAuth(token, params.publicDir === undefined ? {} : { isPublic: staticFile(params.publicDir) });
  const app = express();
  app.disable("x-powered-by");
  app.use(securityHeaders);
  app.use(checkHost);
  app.use(auth.guard);
  app.use(express.json({ limit: "2mb" }));
  registerDashboard(app, { engine, auth });

  app.get("/api/health", (_req, res) => void res.set("Cache-Control", "no-store").json({ ok: true, ...daemon }));
  app.get("/api/state", (_req, res) => void res.json(snapshot(engine, daemon)));
  app.get("/api/events", eventsRoute(engine.events));

  app.post("/api/projects", async (req: Request, res: Response) => {
    const sent = req.body as Partial<UpRequest> | undefined;
    if (!sent?.options || typeof sent.options !== "object") {
      refuse(res, ApiCodes.badRequest, "expected {options: LoadOptions, namespace?, context?, isolation?}");
      return;
    }
    const body = { ...sent, options: sent.options };
    if (params.targets === undefined && body.context !== undefined && params.context !== undefined && body.context !== params.context) {
      refuse(res, ApiCodes.contextMismatch, `the daemon talks to kube context "${params.context}", not "${body.context}"`, "stop the daemon (devloop daemon stop) and run up again with --context");
      return;
    }
    // The config controller loads it (once: that load becomes the project's when the up is accepted below).
    const id = randomUUID();
    engine.dispatch({ type: "upRequested", id, request: { options: body.options, ...(body.namespace === undefined ? {} : { namespace: body.namespace }), isolation: body.isolation ?? true } });
    let accepted = false;
    try {
      accepted = await acceptUp(id, req, res, body);
    } finally {
      if (!accepted) engine.dispatch({ type: "upDropped", id });
    }
  });

  /** The up's load is in: refuse it (invalid, context, rights) or accept it; whether it was accepted. */
  const acceptUp = async (id: string, req: Request, res: Response, body: Partial<UpRequest> & Pick<UpRequest, "options">): Promise<boolean> => {
    const loaded = await waitFor(engine, (s) => s.ups?.[id]?.result !== undefined, loadTimeoutMs);
    const result = engine.getState().ups?.[id]?.result;
    if (!loaded || result === undefined) {
      refuse(res, ApiCodes.loadTimeout, `loading the project did not finish in ${loadTimeoutMs / 1000} s`);
      return false;
    }
    if (!result.ok) {
      res.status(422).json({ ok: false, diagnostics: result.diagnostics } satisfies UpResponse);
      return false;
    }
    const name = result.project.name;
    const existing = engine.getState().projects[name];
    // Keep the namespace chosen earlier (ns use) unless this up names one.
    const namespace = body.namespace ?? existing?.request.namespace;
    let kube: { context?: string; kubeconfig?: string } = body.context === undefined ? {} : { context: body.context };
    if (params.targets !== undefined) {
      const ref = callerRef(req);
      let target;
      try {
        target = params.targets.pin({ ...ref, ...(body.context === undefined ? {} : { context: body.context }) });
      } catch (error) {
        refuse(res, ApiCodes.kubeContext, error instanceof Error ? error.message : String(error));
        return false;
      }
      const decision = checkContext(target.context, { env: parseAllowedContexts(header(req, kubeHeaders.allowedContexts)), compose: result.project.allowedContexts ?? [], flags: body.allowContexts ?? [] });
      if (!decision.ok) {
        refuse(res, ApiCodes.contextNotAllowed, decision.message, decision.hint);
        return false;
      }
      const ns = namespace ?? result.project.namespace;
      const missing = await params.targets.missingRights(target, ns).catch((error: unknown) => {
        // Cannot ask (unreachable): the engine reports the cluster and retries; the up is not refused for it.
        log.warn(`cannot check the rights of context ${target.context} in namespace ${ns}: ${error instanceof Error ? error.message : String(error)}`, { project: name });
        return [];
      });
      if (missing.length > 0) {
        refuse(
          res,
          ApiCodes.namespaceForbidden,
          `devloop up ${name} -n ${ns}: the identity of kube context "${target.context}"${target.user === undefined ? "" : ` (user ${target.user})`} may not ${missing.join(", ")} in namespace ${ns}, which up, sync, logs and port-forwards need`,
          `bind it to the edit ClusterRole there (kubectl create rolebinding devloop-edit --clusterrole=edit --serviceaccount=… -n ${ns}), or use a namespace it may use (devloop ns list; up -n NAME)`,
        );
        return false;
      }
      kube = { context: target.context, kubeconfig: target.kubeconfig };
    }
    engine.dispatch({
      type: "upAccepted",
      id,
      request: {
        name, options: body.options, ...(namespace === undefined ? {} : { namespace }), ...kube, isolation: body.isolation ?? true,
        ...(body.imageDelivery === undefined && body.registry === undefined ? {} : { delivery: { ...(body.imageDelivery === undefined ? {} : { imageDelivery: body.imageDelivery }), ...(body.registry === undefined ? {} : { registry: body.registry }) } }),
      },
    });
    log.info(`up ${name} in namespace ${namespace ?? result.project.namespace}`, { project: name });
    res.json({ ok: true, project: name, namespace: namespace ?? result.project.namespace, warnings: result.project.warnings } satisfies UpResponse);
    return true;
  };

  app.post("/api/projects/:name/down", async (req: Request, res: Response) => {
    const name = String(req.params["name"]);
    const body = (req.body ?? {}) as DownRequest;
    const project = engine.getState().projects[name];
    const current = project?.loaded?.namespace ?? project?.request.namespace;
    if (project && (body.namespace === undefined || body.namespace === current)) {
      engine.dispatch({ type: "downRequested", project: name, volumes: body.volumes ?? false });
      const done = await waitFor(engine, (s) => s.projects[name] === undefined, 180_000);
      if (!done) {
        refuse(res, ApiCodes.downTimeout, `down of ${name} did not finish in 3 minutes`, engine.getState().cluster.reachable ? undefined : `the cluster is unreachable: ${engine.getState().cluster.message ?? ""}`);
        return;
      }
      res.json({ ok: true, project: name, namespace: current });
      return;
    }
    if (body.namespace === undefined) {
      refuse(res, ApiCodes.unknownProject, `no project "${name}" in the daemon`, "name the namespace with -n to clean it anyway");
      return;
    }
    try {
      // Not a project the daemon runs: cleaned under the caller's kube target.
      await tearDown({ cluster: params.targets?.cluster(callerRef(req)) ?? cluster, namespace: body.namespace, project: name, volumes: body.volumes ?? false });
      if (project) engine.dispatch({ type: "namespaceReleased", project: name, namespace: body.namespace });
      res.json({ ok: true, project: name, namespace: body.namespace });
    } catch (error) {
      refuse(res, ApiCodes.clusterError, error instanceof Error ? error.message : String(error));
    }
  });

  app.post("/api/projects/:name/namespace", async (req: Request, res: Response) => {
    const name = String(req.params["name"]);
    const namespace = (req.body as { namespace?: unknown } | undefined)?.namespace;
    const project = engine.getState().projects[name];
    if (!project) {
      refuse(res, ApiCodes.unknownProject, `no project "${name}" in the daemon`, "run devloop up first");
      return;
    }
    if (typeof namespace !== "string" || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
      refuse(res, ApiCodes.badNamespace, `expected a namespace name (lowercase letters, digits, '-', at most 63); got ${JSON.stringify(namespace)}`);
      return;
    }
    // Under the project's pinned target: a namespace its identity may not use is refused now, not at apply.
    const { kubeconfig, context } = project.request;
    const missing = params.targets === undefined || context === undefined ? [] : await params.targets.missingRights({ ...(kubeconfig === undefined ? {} : { kubeconfig }), context }, namespace).catch(() => []);
    if (missing.length > 0) {
      refuse(res, ApiCodes.namespaceForbidden, `ns use ${namespace}: the identity of kube context "${context ?? ""}" may not ${missing.join(", ")} in namespace ${namespace}; ${name} stays in ${project.loaded?.namespace ?? project.request.namespace ?? "its namespace"}`, "bind it to the edit ClusterRole there, or pick a namespace from devloop ns list");
      return;
    }
    engine.dispatch({ type: "projectRequested", request: { ...project.request, namespace } });
    res.json({ ok: true, project: name, namespace });
  });

  for (const kind of liveActionKinds) app.post(`/api/projects/:name/${kind}`, liveActionRoute(engine, kind));

  app.get("/api/projects/:name/logs", logsRoute(engine, cluster));

  app.get("/api/namespaces", async (req: Request, res: Response) => {
    try {
      const projects = Object.values(engine.getState().projects);
      let names: readonly string[];
      let missing = async (_namespace: string): Promise<readonly string[] | undefined> => Promise.resolve(undefined);
      if (params.targets === undefined) names = await cluster.listNamespaces(`${Labels.managedBy}=${MANAGED_BY}`);
      else {
        // The caller's identity: the devloop namespaces it may list (none for a namespace-scoped identity), its
        // context's namespace and its projects' namespaces, each with the rights it lacks there.
        const target = params.targets.pin(callerRef(req));
        const targets = params.targets;
        const listed = await targets.cluster(target).listNamespaces(`${Labels.managedBy}=${MANAGED_BY}`);
        const mine = projects.filter((p) => p.request.context === target.context).flatMap((p) => [p.loaded?.namespace, p.request.namespace, ...p.previousNamespaces]);
        names = [...new Set([...(target.namespace === undefined ? [] : [target.namespace]), ...listed, ...mine].filter((n): n is string => n !== undefined))];
        missing = (namespace) => targets.missingRights(target, namespace);
      }
      const infos: NamespaceInfo[] = await Promise.all(
        names.map(async (n) => {
          const owner = projects.find((p) => p.loaded?.namespace === n || p.previousNamespaces.includes(n));
          const lacks = await missing(n);
          return { name: n, ...(owner ? { project: owner.name } : {}), active: owner?.loaded?.namespace === n, ...(lacks === undefined ? {} : { missing: lacks }) };
        }),
      );
      res.json(infos);
    } catch (error) {
      refuse(res, ApiCodes.clusterError, error instanceof Error ? error.message : String(error));
    }
  });

  app.post("/api/shutdown", (_req, res) => {
    res.json({ ok: true });
    params.onShutdownRequested?.();
  });

  if (params.publicDir !== undefined) app.use(express.static(params.publicDir));

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ApiRequestError) return void sendApiError(res, error);
    const message = error instanceof Error ? error.message : String(error);
    // express.json's own refusals (a body that is not JSON, or too large) are the caller's, not the daemon's.
    const parser = (error as { type?: unknown } | null)?.type;
    if (parser === "entity.too.large") return void refuse(res, ApiCodes.tooLarge, `the request body is larger than the daemon takes (2 MB)`);
    if (typeof parser === "string" && parser.startsWith("entity.")) return void refuse(res, ApiCodes.badRequest, `the request body is not JSON: ${message}`);
    log.error(`request failed: ${message}`);
    refuse(res, ApiCodes.internal, message);
  });
  return app;
};
