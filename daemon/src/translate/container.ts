/** One compose service → its container: image, command/args, env, ports, probe, resources, security, mounts. */
import type { ServiceSpec } from "../compose/types.js";
import { supervised } from "../supervisor/supervisor.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";
import type { EnvVar } from "./environment.js";
import { escapeKubeExpansion } from "./escape.js";
import type { ImageChoice } from "./image.js";
import { effectiveHealthcheck } from "./image-healthcheck.js";
import { toReadinessProbe } from "./probe.js";
import type { VolumeMount } from "./pod-volumes.js";
import { toResources } from "./resources.js";
import { toSecurityContext } from "./security-context.js";

export interface ContainerPort {
  readonly containerPort: number;
  readonly protocol: "TCP" | "UDP" | "SCTP";
  readonly name?: string;
}

/** Container ports from ports and expose, one per (port, protocol), in order of appearance. */
export const containerPorts = (service: ServiceSpec): readonly ContainerPort[] => {
  const seen = new Set<string>();
  const out: ContainerPort[] = [];
  const add = (target: number, protocol: "tcp" | "udp" | "sctp", name?: string): void => {
    const key = `${target}/${protocol}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ containerPort: target, protocol: protocol.toUpperCase() as ContainerPort["protocol"], ...(name ? { name } : {}) });
  };
  for (const port of service.ports) add(port.target, port.protocol, port.name !== undefined && isPortName(port.name) ? port.name : undefined);
  for (const port of service.expose) add(port.target, port.protocol);
  return out;
};

/** IANA_SVC_NAME: ≤ 15 characters, lowercase alphanumerics and '-', at least one letter. */
export const isPortName = (name: string): boolean => name.length <= 15 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes("--");

/** entrypoint → command, command → args; entrypoint reset ([] / !reset) runs command as the whole command line. */
const commandLine = (ctx: TranslateContext, service: ServiceSpec): { command?: string[]; args?: string[] } => {
  const esc = (list: readonly string[]): string[] => list.map(escapeKubeExpansion);
  const entrypointReset = service.entrypoint === null || (Array.isArray(service.entrypoint) && service.entrypoint.length === 0);
  if (entrypointReset) {
    if (service.command && service.command.length > 0) return { command: esc(service.command) };
    ctx.report({
      code: TranslateCodes.entrypointReset,
      path: `services.${service.name}.entrypoint`,
      message: "entrypoint is reset but there is no command: Kubernetes cannot drop the image ENTRYPOINT and keep its CMD, so the image's ENTRYPOINT stays",
      hint: "give the full command line under command:",
    });
    return {};
  }
  return {
    ...(service.entrypoint ? { command: esc(service.entrypoint) } : {}),
    ...(service.command && service.command.length > 0 ? { args: esc(service.command) } : {}),
  };
};

/** The same argv run by supervisor/supervisor.ts (its script has no "$(" or "$$" for Kubernetes to expand). */
const supervisedLine = (line: { command?: string[]; args?: string[] }, wrap: boolean): { command?: string[]; args?: string[] } => {
  const argv = [...(line.command ?? []), ...(line.args ?? [])];
  return wrap && argv.length > 0 ? supervised(argv) : line;
};

export interface ContainerParams {
  readonly name: string;
  readonly image: ImageChoice;
  readonly env: readonly EnvVar[];
  readonly mounts: readonly VolumeMount[];
  /** Run the command line (entrypoint + command, already known) under the process supervisor (live.ts). */
  readonly supervised?: boolean;
}

export const buildContainer = (ctx: TranslateContext, service: ServiceSpec, params: ContainerParams): Record<string, unknown> => {
  const ports = containerPorts(service);
  const resources = toResources(service.deploy);
  const tcpPorts = ports.filter((p) => p.protocol === "TCP").map((p) => p.containerPort);
  const probe = toReadinessProbe(effectiveHealthcheck(service.healthcheck, ctx.options.imageHealthchecks?.[service.name]), tcpPorts);
  const securityContext = toSecurityContext(ctx, service);
  return {
    name: params.name,
    image: params.image.image,
    ...(params.image.imagePullPolicy ? { imagePullPolicy: params.image.imagePullPolicy } : {}),
    ...supervisedLine(commandLine(ctx, service), params.supervised === true),
    ...(service.workingDir ? { workingDir: service.workingDir } : {}),
    ...(params.env.length > 0 ? { env: params.env } : {}),
    ...(ports.length > 0 ? { ports } : {}),
    ...(resources ? { resources } : {}),
    ...(probe ? { readinessProbe: probe } : {}),
    ...(securityContext ? { securityContext } : {}),
    ...(params.mounts.length > 0 ? { volumeMounts: params.mounts } : {}),
    ...(service.tty === true ? { tty: true } : {}),
    ...(service.stdinOpen === true ? { stdin: true } : {}),
  };
};
