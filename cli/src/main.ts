/**
 * devloop's command line. Each command's module is imported lazily, so `devloop render` does not load
 * the Kubernetes or Docker clients. Exit codes: 0 ok, 1 user error (bad input), 2 internal or daemon error.
 */
import { Command } from "commander";
import { addComposeOptions } from "./compose-options.js";
import { runCommand } from "./run-command.js";

const program = new Command("devloop")
  .description("Run a Docker Compose project on Kubernetes as a live development loop")
  .version("0.1.0")
  .showHelpAfterError();

addComposeOptions(program.command("render").description("print the Kubernetes manifests for the compose project"))
  .option("-n, --namespace <ns>", "namespace to render into")
  .option("-o, --output <format>", "yaml or json", "yaml")
  .option("--as-applied", "render what `devloop up` applies: the namespace's isolation defaults, devloop's labels and hashes, built image tags and supervised commands")
  .option("--no-isolation", "with --as-applied: without the isolation defaults, as `up --no-isolation`")
  .argument("[services...]", "services to render (with their dependencies)")
  .action(runCommand(async () => (await import("./commands/render.js")).renderCommand));

addComposeOptions(program.command("validate").description("check the compose project and print diagnostics only"))
  .argument("[services...]")
  .action(runCommand(async () => (await import("./commands/validate.js")).validateCommand));

addComposeOptions(program.command("config").description("print the resolved compose model, like `docker compose config`"))
  .option("--format <format>", "yaml or json", "yaml")
  .argument("[services...]")
  .action(runCommand(async () => (await import("./commands/config.js")).configCommand));

addComposeOptions(program.command("doctor").description("check Dockerfiles, build contexts and local images for container anti-patterns"))
  .option("--json", "print the findings as JSON")
  .option("--no-images", "skip the checks that inspect local images in the Docker engine")
  .argument("[services...]", "services to check (default: all enabled)")
  .action(runCommand(async () => (await import("./commands/doctor.js")).doctorCommand));

addComposeOptions(program.command("up").description("run the compose project on Kubernetes as a live loop (starts the daemon)"))
  .option("-n, --namespace <ns>", "namespace (default <project>-<user>)")
  .option("--context <context>", "kube context for the daemon")
  .option("-d, --detach", "exit once every service is ready instead of following the logs")
  .option("--no-isolation", "skip the namespace isolation defaults (NetworkPolicy, LimitRange, ResourceQuota)")
  .option("--timeout <seconds>", "with --detach: give up after this long", "600")
  .argument("[services...]", "services to run (with their dependencies)")
  .action(runCommand(async () => (await import("./commands/up.js")).upCommand));

addComposeOptions(program.command("down").description("stop the project's loop and delete what it applied"))
  .option("-n, --namespace <ns>", "namespace to clean (default: the project's current one)")
  .option("-v, --volumes", "also delete volumes (and the namespace devloop created)")
  .action(runCommand(async () => (await import("./commands/down.js")).downCommand));

program
  .command("status")
  .description("show every project the daemon runs, per service")
  .option("--json", "print JSON")
  .option("-w, --watch", "keep updating")
  .option("-p, --project-name <name>", "only this project")
  .action(runCommand(async () => (await import("./commands/status.js")).statusCommand));

program
  .command("logs")
  .description("print the services' logs, prefixed per service")
  .option("-p, --project-name <name>", "project (default: the compose project here, or the only one running)")
  .option("--file <file>", "compose file, to find the project name (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
  .option("-f, --follow", "follow, across pod restarts")
  .option("--since <duration>", "only lines newer than this (30s, 5m, 2h)")
  .option("--tail <n>", "lines from the end of each pod's log")
  .argument("[services...]")
  .action(runCommand(async () => (await import("./commands/logs.js")).logsCommand));

for (const [name, description, handler] of [
  ["restart", "restart a service's process in place (supervisor), or replace its pods; all services without an argument", "restartCommand"],
  ["resync", "sync every watched path into the service's running pods again; all live services without an argument", "resyncCommand"],
  ["rebuild", "reload the project: images whose content changed are rebuilt and rolled out", "rebuildCommand"],
] as const) {
  program
    .command(name)
    .description(description)
    .option("-p, --project-name <name>", "project (default: the compose project here, or the only one running)")
    .option("--file <file>", "compose file, to find the project name (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
    .argument("[service]")
    .action(runCommand(async () => (await import("./commands/live.js"))[handler]));
}

addComposeOptions(program.command("ns").description("the project's namespace: ns list | ns use NAME | ns current"))
  .argument("<action>", "list, use or current")
  .argument("[name]", "namespace for use")
  .action(runCommand(async () => (await import("./commands/ns.js")).nsCommand));

program
  .command("daemon")
  .description("run the devloop daemon in the foreground (daemon status | daemon stop)")
  .argument("[action]", "run (default), status or stop")
  .option("--context <context>", "kube context")
  .action(runCommand(async () => (await import("./commands/daemon.js")).daemonCommand));

await program.parseAsync(process.argv);
