/**
 * devloop up: hand the compose project to the daemon (started if absent), then show per-service progress
 * (building, applying, waiting for X, starting, ready, failed).
 *
 * --detach: exit 0 once every service is ready (or completed); 1 as soon as one has failed (a container exited,
 * crash-loops, was OOMKilled, cannot pull its image), is blocked (a failed dependency) or its image build failed (also
 * when the previous image keeps running), naming it with its exit code or build error and its last 20 log lines, like
 * `docker compose up --wait`; 2 on timeout.
 * Without --detach: stream the builds' output and every service's logs from their first line, prefixed per service
 * (coloured on a TTY), like `docker compose up`, until Ctrl-C (the loop goes on in the daemon; `devloop down` stops it).
 */
import { nodeFileSystem } from "../../../daemon/src/compose/node-file-system.js";
import { renderDiagnostics } from "../../../daemon/src/errors/render.js";
import type { PublicProject, PublicService } from "../../../daemon/src/api/types.js";
import { createBuildProgressView } from "../build-progress.js";
import { connectDaemon } from "../client.js";
import { toLoadOptions } from "../compose-options.js";
import { awaitingReport, buildFailed, failing, failureReport } from "../failure-report.js";
import { ExitCode, paint, serviceColor, serviceLine, useColor } from "../output.js";
import { UserError } from "../user-error.js";
import type { UpFlags } from "./up-flags.js";
import { deliveryFlags } from "../delivery-flags.js";

/** The wait's bound in ms: --wait-timeout, else 600 s; a user error when not a positive number. */
export const waitTimeoutMs = (flags: Pick<UpFlags, "waitTimeout">): number => {
  const text = flags.waitTimeout ?? "600";
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UserError(`--wait-timeout expects seconds (a positive number); got "${text}"`);
  return seconds * 1000;
};

/**
 * -t/--timeout in seconds, Compose's shutdown timeout: it becomes every selected service's stop_grace_period, so the
 * pods this up creates get it as terminationGracePeriodSeconds (and a service whose grace changes is rolled out).
 * Whole seconds, 0 or more, as Compose takes it; undefined when not given.
 */
export const stopGraceSeconds = (flags: Pick<UpFlags, "timeout">): number | undefined => {
  if (flags.timeout === undefined) return undefined;
  const seconds = Number(flags.timeout);
  if (flags.timeout.trim() === "" || !Number.isInteger(seconds) || seconds < 0) {
    throw new UserError(`--timeout expects whole seconds (0 or more), the shutdown timeout of the pods up replaces; got "${flags.timeout}" (the wait for ready is bounded by --wait-timeout)`);
  }
  return seconds;
};

/** How long --detach waits for a failed service's log tail and events before reporting without them. */
const reportGraceMs = 5000;

export const upCommand = async (services: string[], given: UpFlags): Promise<number> => {
  const grace = stopGraceSeconds(given);
  // --no-build rides with the load options to the daemon's builds (LoadOptions.noBuild).
  const withGrace = { ...given, ...(grace === undefined ? {} : { stopGracePeriod: grace }), ...(given.build === false ? { noBuild: true } : {}) };
  if (given.dryRun) return (await import("./up-dry-run.js")).upDryRun(services, withGrace);
  // --wait is Compose's detached wait for ready: devloop's --detach already means that.
  const flags: UpFlags & { readonly stopGracePeriod?: number; readonly noBuild?: boolean } = given.wait ? { ...withGrace, detach: true } : withGrace;
  const timeoutMs = waitTimeoutMs(flags);
  const color = useColor();
  const client = await connectDaemon({ ...(flags.context === undefined ? {} : { context: flags.context }) });
  const response = await client.up({
    options: toLoadOptions(flags, services),
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    ...(flags.context === undefined ? {} : { context: flags.context }),
    ...(flags.allowContext === undefined || flags.allowContext.length === 0 ? {} : { allowContexts: flags.allowContext }),
    ...deliveryFlags(flags),
    isolation: flags.isolation !== false,
  });
  const source = (file: string): string | undefined => nodeFileSystem.readFile(file);
  if (!response.ok) {
    process.stderr.write(renderDiagnostics(response.diagnostics, { color: useColor(process.stderr), source }));
    return ExitCode.userError;
  }
  if (response.warnings.length > 0) process.stderr.write(renderDiagnostics(response.warnings, { color: useColor(process.stderr), source }));
  process.stdout.write(`${response.project}: up in namespace ${response.namespace}\n`);
  // A one-time sign-in link: opening it gives the browser its session cookie (the token never reaches the page).
  process.stdout.write(`dashboard: ${await client.dashboardUrl().catch(() => `http://127.0.0.1:${client.info.port}/`)}\n`);

  const controller = new AbortController();
  const stopOnSignal = (): void => controller.abort();
  process.once("SIGINT", stopOnSignal);
  const start = Date.now();
  const shown = new Map<string, string>();
  /** Failures already reported (attached mode), by service: the pod and restart count. */
  const reported = new Map<string, string>();
  let failingSince: number | undefined;
  let result: number | undefined;
  let settledShown = false;
  let width = Math.max(8, ...services.map((s) => s.length));
  let lastDiagnostics = "";
  let latest: PublicProject | undefined;
  const prefix = (service: string): string => paint(color, serviceColor(service), `${service.padEnd(width)} |`);
  // Each building service's step (n/m, cached or running, last output line): a live line on a terminal, a plain line
  // per step change otherwise. What up prints to stdout goes through it (out), above the live lines.
  const progress = createBuildProgressView({ tty: process.stdout.isTTY === true, color, write: (t) => void process.stdout.write(t), columns: () => process.stdout.columns, width: () => width });
  const out = (text: string): void => progress.print(text);
  const err = (text: string): void => progress.print(text, (t) => void process.stderr.write(t));

  const fail = (bad: readonly PublicService[]): void => {
    // Services blocked only because a dependency failed are named by their line above; the culprits get details.
    const culprits = bad.filter((s) => s.phase === "failed" || buildFailed(s));
    for (const s of culprits.length > 0 ? culprits : bad) err(failureReport(s, useColor(process.stderr)));
    result = ExitCode.userError;
  };

  const report = (project: PublicProject): void => {
    latest = project;
    width = Math.max(width, ...project.services.map((s) => s.name.length));
    const diagnostics = JSON.stringify(project.diagnostics);
    if (diagnostics !== lastDiagnostics) {
      lastDiagnostics = diagnostics;
      if (project.diagnostics.length > 0) err(renderDiagnostics(project.diagnostics, { color: useColor(process.stderr), source }));
    }
    for (const s of project.services) {
      const line = serviceLine(s, width, color);
      if (shown.get(s.name) === line) continue;
      shown.set(s.name, line);
      out(`${line}\n`);
    }
    progress.update(project);
    // The daemon has not loaded this request yet: what it shows is the version before it.
    if (project.reloading === true && flags.detach) return;
    // Ready on the previous image while its rebuild runs is not what up asked for: wait for the build's outcome.
    const building = project.services.some((s) => s.build?.status === "queued" || s.build?.status === "building");
    if (project.settled && !building && !project.services.some(buildFailed)) {
      if (!settledShown) out(`${project.name}: all services ready\n`);
      settledShown = true;
      if (flags.detach) result = ExitCode.ok;
      return;
    }
    settledShown = false;
    const bad = project.services.filter(failing);
    if (!flags.detach) {
      // Attached: tell each crash once, with its log tail, and keep following (a crash-looping service may recover).
      for (const s of bad) {
        if (awaitingReport(s)) continue;
        const key = s.failure === undefined ? `${s.phase}:${s.message ?? ""}` : `${s.failure.pod}:${s.failure.restarts}`;
        if (reported.get(s.name) === key) continue;
        reported.set(s.name, key);
        if (s.phase === "failed" || buildFailed(s)) err(failureReport(s, useColor(process.stderr), 5));
      }
      return;
    }
    if (bad.length === 0) {
      failingSince = undefined;
      return;
    }
    failingSince ??= Date.now();
    // Report at once, unless the crash's log tail is still being read (a moment, at most reportGraceMs).
    if (!bad.some(awaitingReport) || Date.now() - failingSince > reportGraceMs) fail(bad);
  };

  const snapshot = await client.state();
  const initial = snapshot.projects.find((p) => p.name === response.project);
  if (initial) report(initial);
  // Attached: every service's logs from their first line, and the builds' output, while progress goes on.
  const logs = flags.detach || result !== undefined
    ? Promise.resolve()
    : client
        .logs(response.project, {
          services,
          follow: true,
          signal: controller.signal,
          onLine: (l) => out(`${prefix(l.service)} ${l.line ?? `(${l.error ?? ""})`}\n`),
        })
        .catch((error: unknown) => {
          if (!controller.signal.aborted) err(`devloop: logs: ${error instanceof Error ? error.message : String(error)}\n`);
        });
  if (result === undefined) {
    const timer = setInterval(() => {
      if (flags.detach && Date.now() - start > timeoutMs) {
        result = ExitCode.internal;
        err(`devloop: not all services were ready after ${timeoutMs / 1000}s\n`);
      }
      // Re-check a failure waiting for its report (no event may come).
      if (flags.detach && result === undefined && latest !== undefined && failingSince !== undefined) report(latest);
      if (result !== undefined) controller.abort();
    }, 500);
    // Nothing may outlive the wait: a lost daemon ends it with an error (main reports it), and the process with it.
    try {
      await client.events({
        since: snapshot.seq,
        project: response.project,
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "project" && event.project.name === response.project) report(event.project);
          // The step lines (debug) are what the progress view shows; the build's output streams as it comes.
          if (event.type === "log" && event.source === "build" && !flags.detach) {
            if (event.level !== "debug") out(`${prefix(event.service ?? "build")} ${paint(color, 90, "build")} ${event.line}\n`);
          }
          else if (event.type === "log" && event.level !== "debug" && event.level !== "info") err(`${event.service ?? event.source}: ${event.line}\n`);
          if (event.type === "cluster" && !event.cluster.reachable) err(`cluster unreachable: ${event.cluster.message ?? ""} (retrying)\n`);
          if (event.type === "projectRemoved") result = ExitCode.userError;
          if (result !== undefined) controller.abort();
        },
      });
    } finally {
      clearInterval(timer);
      controller.abort();
    }
  }
  progress.close();
  controller.abort();
  await logs;
  process.removeListener("SIGINT", stopOnSignal);
  if (flags.detach || result !== undefined) return result ?? ExitCode.ok;
  process.stdout.write(`\nthe loop keeps running in the daemon; stop it with: devloop down\n`);
  return ExitCode.ok;
};
