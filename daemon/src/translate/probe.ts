/**
 * healthcheck → readinessProbe. Compose marks a container unhealthy but never restarts it for that, so
 * this is a readiness probe (it gates service_healthy and Service traffic), never a liveness probe.
 *
 * A test that only fetches a local HTTP endpoint or opens a local TCP port (local-endpoint-check.ts) becomes the
 * kubelet's httpGet / tcpSocket, which starts no process in the container; everything else runs as an exec probe.
 * Only for a port the service declares (ports / expose): the kubelet connects to the pod's IP, not to 127.0.0.1,
 * and a declared port is one the service listens on beyond its own loopback.
 */
import type { HealthcheckSpec } from "../compose/types.js";
import { localEndpointCheck, type LocalEndpointCheck } from "./local-endpoint-check.js";
import { toSeconds } from "./quantities.js";

/** Compose's defaults when a healthcheck leaves them unset. */
export const COMPOSE_HEALTHCHECK_DEFAULTS = { intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 } as const;

interface ProbeTiming {
  readonly initialDelaySeconds?: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: 1;
}

export interface ExecProbe extends ProbeTiming {
  readonly exec: { readonly command: readonly string[] };
}

export interface HttpGetProbe extends ProbeTiming {
  readonly httpGet: { readonly path: string; readonly port: number; readonly scheme?: "HTTPS" };
}

export interface TcpSocketProbe extends ProbeTiming {
  readonly tcpSocket: { readonly port: number };
}

export type ReadinessProbe = ExecProbe | HttpGetProbe | TcpSocketProbe;

/** The probe command: CMD → argv; CMD-SHELL → /bin/sh -c; NONE or disabled → no probe. */
export const probeCommand = (test: readonly string[]): readonly string[] | undefined => {
  const [kind, ...rest] = test;
  if (kind === "CMD") return rest.length > 0 ? rest : undefined;
  if (kind === "CMD-SHELL") return rest.length > 0 ? ["/bin/sh", "-c", rest.join(" ")] : undefined;
  return undefined;
};

/** The local endpoint check the probe becomes, when the test is one and its port is among `declaredPorts`. */
export const probeEndpoint = (test: readonly string[], declaredPorts: readonly number[]): LocalEndpointCheck | undefined => {
  const check = localEndpointCheck(test);
  return check !== undefined && declaredPorts.includes(check.port) ? check : undefined;
};

/** `declaredPorts`: the container's ports (ports + expose targets); an endpoint check on another port stays exec. */
export const toReadinessProbe = (healthcheck: HealthcheckSpec | undefined, declaredPorts: readonly number[] = []): ReadinessProbe | undefined => {
  if (healthcheck === undefined || healthcheck.disable) return undefined;
  const command = probeCommand(healthcheck.test);
  if (command === undefined) return undefined;
  const startPeriod = healthcheck.startPeriod ?? COMPOSE_HEALTHCHECK_DEFAULTS.startPeriodMs;
  const timeoutSeconds = toSeconds(healthcheck.timeout ?? COMPOSE_HEALTHCHECK_DEFAULTS.timeoutMs);
  const endpoint = probeEndpoint(healthcheck.test, declaredPorts);
  const timing: ProbeTiming = {
    ...(startPeriod > 0 ? { initialDelaySeconds: toSeconds(startPeriod, 0) } : {}),
    periodSeconds: toSeconds(healthcheck.interval ?? COMPOSE_HEALTHCHECK_DEFAULTS.intervalMs),
    // The tool's own limit (curl -m, wget -T, nc -w) cuts the check short the same way.
    timeoutSeconds: endpoint?.toolTimeoutSeconds === undefined ? timeoutSeconds : Math.max(1, Math.min(timeoutSeconds, Math.ceil(endpoint.toolTimeoutSeconds))),
    failureThreshold: Math.max(1, healthcheck.retries ?? COMPOSE_HEALTHCHECK_DEFAULTS.retries),
    successThreshold: 1,
  };
  if (endpoint?.kind === "http") return { httpGet: { path: endpoint.path, port: endpoint.port, ...(endpoint.scheme === "HTTPS" ? { scheme: "HTTPS" as const } : {}) }, ...timing };
  if (endpoint?.kind === "tcp") return { tcpSocket: { port: endpoint.port }, ...timing };
  return { exec: { command }, ...timing };
};
