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

await program.parseAsync(process.argv);
