/**
 * devloop up: hand the compose project to the daemon (started if absent), then show per-service progress
 * (applying, waiting for X, starting, ready). With --detach: exit 0 once every service is ready (or completed),
 * 1 when one fails or is blocked, 2 on timeout. Without: keep following the logs until Ctrl-C (the loop goes on
 * in the daemon; `devloop down` stops it).
 */
import { nodeFileSystem } from "../../../daemon/src/compose/node-file-system.js";
import { renderDiagnostics } from "../../../daemon/src/errors/render.js";
import type { PublicProject, PublicService } from "../../../daemon/src/api/types.js";
import { connectDaemon } from "../client.js";
import { type ComposeFlags, toLoadOptions } from "../compose-options.js";
import { ExitCode, paint, serviceColor, serviceLine, useColor } from "../output.js";

export interface UpFlags extends ComposeFlags {
  readonly namespace?: string;
  readonly context?: string;
  readonly detach?: boolean;
  /** commander's --no-isolation. */
  readonly isolation?: boolean;
  /** Seconds to wait with --detach. */
  readonly timeout?: string;
}

const failing = (s: PublicService): boolean => s.phase === "failed" || s.phase === "blocked";

export const upCommand = async (services: string[], flags: UpFlags): Promise<number> => {
  const color = useColor();
  const client = await connectDaemon({ ...(flags.context === undefined ? {} : { context: flags.context }) });
  const response = await client.up({
    options: toLoadOptions(flags, services),
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    ...(flags.context === undefined ? {} : { context: flags.context }),
    isolation: flags.isolation !== false,
  });
  const source = (file: string): string | undefined => nodeFileSystem.readFile(file);
  if (!response.ok) {
    process.stderr.write(renderDiagnostics(response.diagnostics, { color: useColor(process.stderr), source }));
    return ExitCode.userError;
  }
  if (response.warnings.length > 0) process.stderr.write(renderDiagnostics(response.warnings, { color: useColor(process.stderr), source }));
  process.stdout.write(`${response.project}: up in namespace ${response.namespace}\n`);
  process.stdout.write(`dashboard: http://127.0.0.1:${client.info.port}/\n`);

  const controller = new AbortController();
  const stopOnSignal = (): void => controller.abort();
  process.once("SIGINT", stopOnSignal);
  const timeoutMs = Number(flags.timeout ?? "600") * 1000;
  const start = Date.now();
  const shown = new Map<string, string>();
  let failingSince: number | undefined;
  let result: number | undefined;
  let width = 8;
  let lastDiagnostics = "";

  const report = (project: PublicProject): void => {
    width = Math.max(width, ...project.services.map((s) => s.name.length));
    const diagnostics = JSON.stringify(project.diagnostics);
    if (diagnostics !== lastDiagnostics) {
      lastDiagnostics = diagnostics;
      if (project.diagnostics.length > 0) process.stderr.write(renderDiagnostics(project.diagnostics, { color: useColor(process.stderr), source }));
    }
    for (const s of project.services) {
      const line = serviceLine(s, width, color);
      if (shown.get(s.name) === line) continue;
      shown.set(s.name, line);
      process.stdout.write(`${line}\n`);
    }
    if (project.settled) {
      result = ExitCode.ok;
      return;
    }
    const bad = project.services.filter(failing);
    if (bad.length === 0) failingSince = undefined;
    else failingSince ??= Date.now();
    // A crash-looping pod may recover; give it a little time before calling it.
    if (failingSince !== undefined && Date.now() - failingSince > 20_000 && flags.detach) result = ExitCode.userError;
  };

  const snapshot = await client.state();
  const initial = snapshot.projects.find((p) => p.name === response.project);
  if (initial) report(initial);
  if (result === undefined) {
    const timer = setInterval(() => {
      if (flags.detach && Date.now() - start > timeoutMs) {
        result = ExitCode.internal;
        process.stderr.write(`devloop: not all services were ready after ${timeoutMs / 1000}s\n`);
      }
      if (result !== undefined) controller.abort();
    }, 500);
    await client.events({
      since: snapshot.seq,
      project: response.project,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === "project" && event.project.name === response.project) report(event.project);
        if (event.type === "log" && event.level !== "debug" && event.level !== "info") process.stderr.write(`${event.service ?? event.source}: ${event.line}\n`);
        if (event.type === "cluster" && !event.cluster.reachable) process.stderr.write(`cluster unreachable: ${event.cluster.message ?? ""} (retrying)\n`);
        if (event.type === "projectRemoved") result = ExitCode.userError;
        if (result !== undefined) controller.abort();
      },
    });
    clearInterval(timer);
  }
  process.removeListener("SIGINT", stopOnSignal);
  if (result === ExitCode.ok) process.stdout.write(`${response.project}: all services ready\n`);
  if (flags.detach || result !== ExitCode.ok) return result ?? ExitCode.ok;

  // Attached: follow the logs until Ctrl-C.
  const logs = new AbortController();
  process.once("SIGINT", () => logs.abort());
  await client.logs(response.project, {
    services,
    follow: true,
    tail: 20,
    signal: logs.signal,
    onLine: (l) => process.stdout.write(`${paint(color, serviceColor(l.service), `${l.service.padEnd(width)} |`)} ${l.line ?? l.error ?? ""}\n`),
  });
  process.stdout.write(`\nthe loop keeps running in the daemon; stop it with: devloop down\n`);
  return ExitCode.ok;
};
