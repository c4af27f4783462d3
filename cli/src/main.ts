/**
 * devloop's command line. Each command's module is imported lazily, so `devloop render` does not load
 * the Kubernetes or Docker clients. Exit codes: 0 ok, 1 user error (bad input), 2 internal or daemon error.
 */
import { Command } from "commander";
import { addComposeOptions } from "./compose-options.js";
import { addGlobalOptions } from "./global-options.js";
import { examples } from "./help-examples.js";
import { runCommand } from "./run-command.js";

const program = addGlobalOptions(
  new Command("devloop")
    .description("Run a Docker Compose project on Kubernetes as a live development loop")
    .version("0.1.0")
    .usage("[global options] <command> [options]")
    .enablePositionalOptions()
    .showHelpAfterError(),
);

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
  .option("-o, --output <file>", "write to this file instead of stdout")
  .option("-q, --quiet", "only validate: print nothing, exit 1 on errors")
  .option("--services", "print the service names, one per line")
  .option("--volumes", "print the volume names, one per line")
  .option("--profiles", "print every profile the services name, one per line")
  .option("--images", "print the image of each service, one per line")
  .option("--no-interpolate", "do not replace ${VARIABLES}: print the files' values as written")
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
  .option("--allow-context <name>", "deploy to this kube context although it is not a known local cluster (repeatable)", (v: string, prev: string[]) => [...prev, v], [] as string[])
  .option("-d, --detach", "exit once every service is ready instead of following the logs")
  .option("--no-isolation", "skip the namespace isolation defaults (NetworkPolicy, LimitRange, ResourceQuota)")
  .option("-t, --timeout <seconds>", "shutdown timeout of the pods up replaces, as Compose's: every service's stop_grace_period (terminationGracePeriodSeconds)")
  .option("--wait", "wait until every service is running and ready, then exit (implies --detach, as in Compose)")
  .option("--wait-timeout <seconds>", "with --detach or --wait: give up after this long (default 600)")
  .option("--build", "build images before starting (devloop always builds when a build: input changed)")
  .option("--no-build", "build nothing: run the images that exist (the current inputs' tag, else the service's last build); a service with none is an error")
  .option("--dry-run", "print what would be created or changed in the cluster, apply nothing")
  .option("--image-delivery <how>", "how built images reach the cluster: auto, registry, engine or kind (before DEVLOOP_IMAGE_DELIVERY and x-devloop.image_delivery)")
  .option("--registry <host[:port][/path]>", "registry to push built images to (before DEVLOOP_REGISTRY and x-devloop.registry)")
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
  .option("--since <duration>", "only lines newer than this (a compose duration: 30s, 1m30s, 2h; or an RFC 3339 time)")
  .option("--tail <n>", "lines from the end of each pod's log (a number, or all)")
  .option("-t, --timestamps", "show each line's timestamp")
  .option("--no-log-prefix", "do not prefix lines with the service name")
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
  .option("--supervised", "run the daemon as a child process and start it again when it dies (crash, OOM kill, kill -9)")
  .action(runCommand(async () => (await import("./commands/daemon.js")).daemonCommand));

program
  .command("ps")
  .description("list the project's services and their pods, like `docker compose ps`")
  .option("--format <format>", "table or json", "table")
  .option("-q, --quiet", "only the pod names")
  .option("--services", "only the service names")
  .option("-a, --all", "also services without a running pod")
  .option("--file <file>", "compose file, to find the project name (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
  .option("-p, --project-name <name>", "project (default: the compose project here, or the only one running)")
  .argument("[services...]")
  .action(runCommand(async () => (await import("./commands/ps.js")).psCommand));

program
  .command("exec")
  .description("run a command in a service's running container, like `docker compose exec` (kubectl exec)")
  .option("-T, --no-tty", "no pseudo-TTY (default: one when stdin is a terminal)")
  .option("-u, --user <user>", "run as this user (needs a shell and su or setpriv in the image)")
  .option("-w, --workdir <dir>", "working directory inside the container")
  .option("-e, --env <KEY=VALUE>", "set an environment variable (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
  .option("--index <n>", "which pod of a service with several replicas (1-based)", "1")
  .option("--file <file>", "compose file, to find the project name (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
  .option("-p, --project-name <name>", "project (default: the compose project here, or the only one running)")
  .argument("<service>")
  .argument("<command...>")
  .passThroughOptions()
  .action(runCommand(async () => (await import("./commands/exec.js")).execCommand));

program
  .command("port")
  .description("print the local address forwarded to a service's port, like `docker compose port`")
  .option("--protocol <proto>", "tcp (udp is not forwarded)", "tcp")
  .option("--file <file>", "compose file, to find the project name (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
  .option("-p, --project-name <name>", "project (default: the compose project here, or the only one running)")
  .argument("<service>")
  .argument("<private_port>")
  .action(runCommand(async () => (await import("./commands/port.js")).portCommand));

addComposeOptions(program.command("run").description("run a one-off command in a new pod with the service's image, environment, volumes and network, like `docker compose run --rm`"))
  .option("-T, --no-tty", "no pseudo-TTY (default: one when stdin is a terminal)")
  .option("-e, --env <KEY=VALUE>", "set an environment variable (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
  .option("-u, --user <uid>", "run as this numeric user id (runAsUser)")
  .option("-w, --workdir <dir>", "working directory inside the container")
  .option("--entrypoint <cmd>", "override the image's entrypoint")
  .option("--rm", "remove the pod afterwards (always: devloop never keeps one-off pods)")
  .option("--no-deps", "accepted for Compose compatibility: the pod starts without starting anything else")
  .option("--timeout <seconds>", "give up waiting for the pod to start after this long", "300")
  .option("--context <context>", "kube context (as kubectl --context; also taken before the command)")
  .argument("<service>")
  .argument("[command...]")
  .passThroughOptions()
  .action(runCommand(async () => (await import("./commands/run.js")).runOneOffCommand));

addComposeOptions(program.command("build").description("build the images of services with build:, like `docker compose build` (BuildKit through the Docker CLI)"))
  .option("-q, --quiet", "print only the built references")
  .option("--image-delivery <how>", "where the built images go, as up decides it: auto, registry, engine or kind")
  .option("--registry <host[:port][/path]>", "registry to push to (before DEVLOOP_REGISTRY and x-devloop.registry)")
  .argument("[services...]", "services to build (default: every service with build:)")
  .action(runCommand(async () => (await import("./commands/build.js")).buildCommand));

program
  .command("version")
  .description("print devloop's version, and the daemon's when one runs")
  .option("--format <format>", "pretty or json", "pretty")
  .option("--short", "only the version number")
  .action(runCommand(async () => (await import("./commands/version.js")).versionCommand));

program
  .command("completion")
  .description("print a shell completion script: devloop completion bash | zsh | fish")
  .argument("<shell>", "bash, zsh or fish")
  .action(runCommand(async () => (await import("./commands/completion.js")).completionCommand));

// Hidden helper the completion scripts call for service and namespace names (quiet, never starts a daemon).
program
  .command("__complete", { hidden: true })
  .argument("<what>", "services or namespaces")
  .action(runCommand(async () => (await import("./commands/completion.js")).completeCommand));

// Hidden: the daemon's project loads run this in a worker thread with memory and time limits (daemon/src/load-worker.ts, daemon/src/adapters/isolated-project-loader.ts).
program
  .command("__load-worker", { hidden: true })
  .action(runCommand(async () => (await import("../../daemon/src/load-worker.js")).runProjectLoadWorker));

examples(program);

await program.parseAsync(process.argv);
