/**
 * devloop ps [services…] [--format json] [-q] [--services] [-a]: the project's services and pods from the daemon's
 * state, shaped like `docker compose ps` (NAME is the pod, as the container is in Compose; one JSON object per line
 * with --format json, as Compose ≥ 2.21 prints them).
 */
import type { PublicProject, PublicService } from "../../../daemon/src/api/types.js";
import { daemonProject, serviceOf, type ProjectFlags } from "../daemon-project.js";
import { ExitCode, table } from "../output.js";
import { UserError } from "../user-error.js";

export interface PsFlags extends ProjectFlags {
  readonly format?: string;
  readonly quiet?: boolean;
  readonly services?: boolean;
  readonly all?: boolean;
}

/** One row per pod (a service without a pod: one row with no name, with --all), as docker compose ps --format json. */
export interface PsRow {
  readonly Name: string;
  readonly Service: string;
  readonly Project: string;
  readonly Namespace: string;
  /** "running", "exited", "created"… as Compose; from the service's phase. */
  readonly State: string;
  /** "healthy" once ready when the service has a healthcheck; "" otherwise, as Compose. */
  readonly Health: string;
  /** devloop's phase and message: "ready", "failed: exit 3". */
  readonly Status: string;
  readonly ExitCode: number;
  readonly Publishers: readonly { readonly URL: string; readonly TargetPort: number; readonly PublishedPort: number; readonly Protocol: string }[];
}

const stateOf = (s: PublicService): string => {
  switch (s.phase) {
    case "ready":
    case "starting":
      return "running";
    case "completed":
    case "failed":
      return "exited";
    case "applying":
    case "building":
      return "created";
    default:
      return s.pods.length > 0 ? "running" : "created";
  }
};

export const psRows = (project: PublicProject, services: readonly string[], all: boolean): PsRow[] => {
  for (const s of services) serviceOf(project, s);
  const rows: PsRow[] = [];
  for (const s of project.services) {
    if (services.length > 0 && !services.includes(s.name)) continue;
    const base = {
      Service: s.name,
      Project: project.name,
      Namespace: project.namespace ?? "",
      State: stateOf(s),
      Health: "",
      Status: `${s.phase}${s.message ? `: ${s.message}` : ""}`,
      ExitCode: s.failure?.exitCode ?? 0,
      Publishers: s.ports.map((p) => ({ URL: "127.0.0.1", TargetPort: p.remote, PublishedPort: p.local, Protocol: "tcp" })),
    };
    if (s.pods.length === 0) {
      if (all) rows.push({ Name: "", ...base });
      continue;
    }
    for (const pod of s.pods) rows.push({ Name: pod, ...base });
  }
  return rows;
};

export const psTable = (rows: readonly PsRow[]): string =>
  table([
    ["NAME", "SERVICE", "STATUS", "PORTS"],
    ...rows.map((r) => [r.Name, r.Service, r.Status, r.Publishers.map((p) => `${p.URL}:${p.PublishedPort}->${p.TargetPort}/${p.Protocol}`).join(", ")]),
  ]);

export const psCommand = async (services: string[], flags: PsFlags): Promise<number> => {
  const format = flags.format ?? "table";
  if (format !== "table" && format !== "json") throw new UserError(`--format must be table or json; got "${format}"`);
  const { project } = await daemonProject(flags);
  const rows = psRows(project, services, flags.all === true);
  if (flags.services) process.stdout.write([...new Set(rows.map((r) => r.Service))].map((s) => `${s}\n`).join(""));
  else if (flags.quiet) process.stdout.write(rows.filter((r) => r.Name !== "").map((r) => `${r.Name}\n`).join(""));
  else if (format === "json") process.stdout.write(rows.map((r) => `${JSON.stringify(r)}\n`).join(""));
  else process.stdout.write(`${psTable(rows)}\n`);
  return ExitCode.ok;
};
