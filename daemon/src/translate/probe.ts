/**
 * healthcheck → readinessProbe. Compose marks a container unhealthy but never restarts it for that, so
 * this is a readiness probe (it gates service_healthy and Service traffic), never a liveness probe.
 */
import type { HealthcheckSpec } from "../compose/types.js";
import { toSeconds } from "./quantities.js";

/** Compose's defaults when a healthcheck leaves them unset. */
export const COMPOSE_HEALTHCHECK_DEFAULTS = { intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 } as const;

export interface ExecProbe {
  readonly exec: { readonly command: readonly string[] };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: 1;
}

/** The probe command: CMD → argv; CMD-SHELL → /bin/sh -c; NONE or disabled → no probe. */
export const probeCommand = (test: readonly string[]): readonly string[] | undefined => {
  const [kind, ...rest] = test;
  if (kind === "CMD") return rest.length > 0 ? rest : undefined;
  if (kind === "CMD-SHELL") return rest.length > 0 ? ["/bin/sh", "-c", rest.join(" ")] : undefined;
  return undefined;
};

export const toReadinessProbe = (healthcheck: HealthcheckSpec | undefined): ExecProbe | undefined => {
  if (healthcheck === undefined || healthcheck.disable) return undefined;
  const command = probeCommand(healthcheck.test);
  if (command === undefined) return undefined;
  const startPeriod = healthcheck.startPeriod ?? COMPOSE_HEALTHCHECK_DEFAULTS.startPeriodMs;
  return {
    exec: { command },
    ...(startPeriod > 0 ? { initialDelaySeconds: toSeconds(startPeriod, 0) } : {}),
    periodSeconds: toSeconds(healthcheck.interval ?? COMPOSE_HEALTHCHECK_DEFAULTS.intervalMs),
    timeoutSeconds: toSeconds(healthcheck.timeout ?? COMPOSE_HEALTHCHECK_DEFAULTS.timeoutMs),
    failureThreshold: Math.max(1, healthcheck.retries ?? COMPOSE_HEALTHCHECK_DEFAULTS.retries),
    successThreshold: 1,
  };
};
