/**
 * GET /api/projects/:name/logs?service=a&service=b&follow=1&tail=N&since=S&timestamps=1 — newline-delimited JSON
 * ({service, pod, line} or {service, pod, error}) from every pod of the selected services; with follow, pods that
 * appear later (restarts, rollouts) are picked up as the watch sees them.
 */
import type { Request, Response } from "express";
import type { ClusterClient, Stoppable } from "../../ports/cluster.js";
import type { Engine } from "../../engine/engine.js";
import { isRunPod, serviceOfContainer } from "../../engine/service-pods.js";
import type { EngineState } from "../../engine/state.js";
import { ApiCodes } from "../../errors/api-codes.js";
import { refuse } from "../api-error.js";

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" && v !== "" ? [v] : []);

export const logsRoute =
  (engine: Engine, cluster: ClusterClient) =>
  (req: Request, res: Response): void => {
    const name = String(req.params["name"]);
    const project = engine.getState().projects[name];
    if (!project?.loaded) {
      refuse(res, ApiCodes.unknownProject, `no project "${name}" in the daemon`, "run devloop up first");
      return;
    }
    const services = list(req.query["service"]);
    const follow = req.query["follow"] === "1" || req.query["follow"] === "true";
    const tail = req.query["tail"] === undefined ? undefined : Number(req.query["tail"]);
    const since = req.query["since"] === undefined ? undefined : Number(req.query["since"]);
    // Each line starts with the kubelet's RFC 3339 timestamp (`devloop logs -t`).
    const timestamps = req.query["timestamps"] === "1" || req.query["timestamps"] === "true";
    res.status(200).set({ "Content-Type": "application/x-ndjson", "Cache-Control": "no-cache" });
    res.flushHeaders();
    const streams = new Map<string, Stoppable>();
    const ended = new Set<string>();
    let open = 0;
    let closed = false;
    const finish = (): void => {
      if (!follow && open === 0 && !closed) {
        closed = true;
        res.end();
      }
    };
    const start = (state: EngineState, first: boolean): void => {
      const p = state.projects[name];
      if (!p?.loaded || closed) return;
      for (const o of Object.values(p.objects)) {
        // A `devloop run` pod's output is its caller's (docker compose logs leaves one-off containers out too).
        if (o.kind !== "Pod" || !o.pod || isRunPod(o.labels)) continue;
        if (o.pod.phase === "Pending") continue;
        for (const container of o.pod.containers) {
          // A sidecar's container is its own service's, not the pod's (engine/service-pods.ts).
          const service = serviceOfContainer(o.labels, container, p.loaded.services);
          if (services.length > 0 && !services.includes(service)) continue;
          const key = `${o.name}/${container}`;
          if (streams.has(key)) continue;
          // Following again after the stream ended (a container restart): only what is new.
          const again = ended.has(key);
          open += 1;
          const write = (body: Record<string, unknown>): void => {
            if (!closed) res.write(`${JSON.stringify({ service, pod: o.name, container, ...body })}\n`);
          };
          streams.set(
            key,
            cluster.followLog({
              namespace: p.loaded.namespace,
              pod: o.name,
              container,
              follow,
              ...(timestamps ? { timestamps } : {}),
              ...(first && tail !== undefined ? { tailLines: tail } : {}),
              ...(again ? { sinceSeconds: 1 } : first && since !== undefined ? { sinceSeconds: since } : {}),
              onLine: (line) => write({ line }),
              onEnd: (error) => {
                open -= 1;
                if (error !== undefined) write({ error });
                // A followed pod that ends (restart) may be followed again when it runs anew.
                if (follow) {
                  streams.delete(key);
                  ended.add(key);
                }
                finish();
              },
            }),
          );
        }
      }
      finish();
    };
    start(engine.getState(), true);
    const unsubscribe = follow ? engine.store.subscribe((state) => start(state, false)) : () => true;
    req.on("close", () => {
      closed = true;
      unsubscribe();
      for (const s of streams.values()) void s.stop();
    });
  };
