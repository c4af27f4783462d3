/**
 * Where a service's resources (or their absence) collide with the LimitRange devloop installs in its namespaces
 * (isolation.ts isolationLimits): a limit above the max is refused, a reservation above the default limit with no
 * limit of its own is refused, and a heap size set in the environment or command (-Xmx2g, --max-old-space-size=2048)
 * above the default limit, with no limit of its own, ends OOMKilled. `devloop validate` prints these (warnings: `up
 * --no-isolation` lifts the defaults). Pure.
 */
import type { ComposeProject, ServiceSpec } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import { translateDiagnostic } from "../translate/diagnostics.js";
import { formatBytes, formatCpu } from "../translate/quantities.js";
import { isolationLimits } from "./isolation.js";

export const IsolationCodes = {
  /** A limit above the LimitRange max: the pod is refused. */
  aboveMax: "DL-ISOLATION-001",
  /** A reservation above the default limit and no limit: the default limit applies and the pod is refused. */
  reservationAboveDefaultLimit: "DL-ISOLATION-002",
  /** A heap size (environment or command) above the default limit and no limit: OOMKilled. */
  heapAboveDefaultLimit: "DL-ISOLATION-003",
} as const;

/** One line per code, for the docs. */
export const isolationCodeDescriptions: Readonly<Record<string, string>> = {
  [IsolationCodes.aboveMax]: `warning: a service's cpu or memory limit is above the namespace LimitRange max devloop installs (${formatCpu(isolationLimits.max.cpu)} CPU / ${formatBytes(isolationLimits.max.memory)}); Kubernetes refuses its pods.`,
  [IsolationCodes.reservationAboveDefaultLimit]: `warning: a service reserves more cpu or memory than the default limit (${formatCpu(isolationLimits.defaultLimit.cpu)} CPU / ${formatBytes(isolationLimits.defaultLimit.memory)}) and sets no limit; the default limit applies and Kubernetes refuses a request above the limit.`,
  [IsolationCodes.heapAboveDefaultLimit]: `warning: a service's heap size (-Xmx…, --max-old-space-size=…) is above the default memory limit (${formatBytes(isolationLimits.defaultLimit.memory)}) and it sets no memory limit; it would be OOMKilled.`,
};

const mib = 1024 ** 2;
const unitBytes: Readonly<Record<string, number>> = { "": 1, k: 1024, m: mib, g: 1024 ** 3, t: 1024 ** 4 };

/** Heap sizes a process is told to use: -Xmx (JVM) and --max-old-space-size (Node, MiB). */
export const heapSizes = (text: string): { bytes: number; as: string }[] => {
  const out: { bytes: number; as: string }[] = [];
  for (const m of text.matchAll(/-Xmx(\d+)([kKmMgGtT]?)\b/g)) out.push({ bytes: Number(m[1]) * (unitBytes[(m[2] ?? "").toLowerCase()] ?? 1), as: m[0] });
  for (const m of text.matchAll(/--max-old-space-size[= ](\d+)\b/g)) out.push({ bytes: Number(m[1]) * mib, as: m[0] });
  return out;
};

/** Where a resource was written: deploy.resources.<kind>.<key>, or its service-level spelling (mem_limit…). */
const resourcePath = (project: ComposeProject, service: string, kind: "limits" | "reservations", key: "cpus" | "memory"): string => {
  const short = kind === "limits" ? (key === "cpus" ? "cpus" : "mem_limit") : key === "memory" ? "mem_reservation" : undefined;
  const shortPath = short === undefined ? undefined : `services.${service}.${short}`;
  return shortPath !== undefined && project.sourceMap[shortPath] !== undefined ? shortPath : `services.${service}.deploy.resources.${kind}.${key}`;
};

const checkService = (project: ComposeProject, name: string, s: ServiceSpec): Diagnostic[] => {
  const out: Diagnostic[] = [];
  const limits = s.deploy?.resources.limits;
  const reservations = s.deploy?.resources.reservations;
  const { max, defaultLimit } = isolationLimits;
  const figures = {
    cpus: { max: max.cpu, def: defaultLimit.cpu, show: formatCpu, word: "cpu" },
    memory: { max: max.memory, def: defaultLimit.memory, show: formatBytes, word: "memory" },
  } as const;
  for (const key of ["cpus", "memory"] as const) {
    const f = figures[key];
    const limit = limits?.[key];
    const reserved = reservations?.[key];
    if (limit !== undefined && limit > 0 && limit > f.max) {
      out.push(translateDiagnostic(project, {
        code: IsolationCodes.aboveMax,
        path: resourcePath(project, name, "limits", key),
        message: `service ${name}: ${f.word} limit ${f.show(limit)} is above the max ${f.show(f.max)} of the LimitRange devloop installs in the namespace; Kubernetes refuses its pods`,
        expected: `at most ${f.show(f.max)}`,
        got: f.show(limit),
        hint: `lower it, or run devloop up --no-isolation (no LimitRange)`,
      }));
    }
    if ((limit === undefined || limit === 0) && reserved !== undefined && reserved > f.def) {
      out.push(translateDiagnostic(project, {
        code: IsolationCodes.reservationAboveDefaultLimit,
        path: resourcePath(project, name, "reservations", key),
        message: `service ${name}: reserves ${f.show(reserved)} ${f.word} and sets no ${f.word} limit, so the namespace's default limit ${f.show(f.def)} applies (LimitRange devloop-defaults), and Kubernetes refuses a request above the limit`,
        expected: `a ${f.word} limit of at least ${f.show(reserved)}`,
        got: `no limit (default ${f.show(f.def)})`,
        hint: `set deploy.resources.limits.${key}`,
      }));
    }
  }
  const memoryLimit = limits?.memory;
  if (memoryLimit === undefined || memoryLimit === 0) {
    const sources: { path: string; text: string; where: string }[] = [
      ...Object.entries(s.environment).map(([k, v]) => ({ path: `services.${name}.environment.${k}`, text: v, where: `environment ${k}` })),
      ...(s.command ? [{ path: `services.${name}.command`, text: s.command.join(" "), where: "command" }] : []),
      ...(s.entrypoint ? [{ path: `services.${name}.entrypoint`, text: s.entrypoint.join(" "), where: "entrypoint" }] : []),
    ];
    const biggest = sources.flatMap((src) => heapSizes(src.text).map((h) => ({ ...src, ...h }))).sort((a, b) => b.bytes - a.bytes)[0];
    if (biggest !== undefined && biggest.bytes > defaultLimit.memory) {
      out.push(translateDiagnostic(project, {
        code: IsolationCodes.heapAboveDefaultLimit,
        path: biggest.path,
        message: `service ${name}: asks for a ${formatBytes(biggest.bytes)} heap (${biggest.as} in ${biggest.where}) and sets no memory limit, so the namespace's default limit ${formatBytes(defaultLimit.memory)} applies (LimitRange devloop-defaults); it would be OOMKilled`,
        expected: `a memory limit above ${formatBytes(biggest.bytes)}`,
        got: `no limit (default ${formatBytes(defaultLimit.memory)})`,
        hint: `set mem_limit or deploy.resources.limits.memory (the heap plus the process's own use)`,
      }));
    }
  }
  return out;
};

/** Every collision of the enabled services with the namespace defaults (none when isolation is off). */
export const isolationCollisions = (project: ComposeProject, isolation = true): Diagnostic[] =>
  isolation ? Object.entries(project.services).flatMap(([name, s]) => checkService(project, name, s)) : [];
