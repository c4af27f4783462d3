/** `devloop <command> --help` ends with examples; every command has some (help-examples.test.ts holds that). */
import type { Command } from "commander";

export const commandExamples: Readonly<Record<string, readonly string[]>> = {
  render: ["devloop render", "devloop -f compose.yml -f compose.dev.yml render web", "devloop render --as-applied -o json"],
  validate: ["devloop validate", "devloop --profile debug validate"],
  config: ["devloop config", "devloop config --services", "devloop config --format json -o resolved.json", "devloop config --no-interpolate", "devloop config -q && echo valid"],
  doctor: ["devloop doctor", "devloop doctor --json web"],
  up: ["devloop up", "devloop up -d web", "devloop up --wait --wait-timeout 120", "devloop up -d --no-build -t 5", "devloop -n shop-dev up --dry-run", "devloop --context team-cluster -p shop up -d"],
  down: ["devloop down", "devloop down --volumes", "devloop -n shop-old down"],
  status: ["devloop status", "devloop status --json", "devloop status -w"],
  logs: ["devloop logs", "devloop logs -f web", "devloop logs --since 1m30s --tail 50 -t api", "devloop logs --no-log-prefix web > web.log"],
  restart: ["devloop restart", "devloop restart web"],
  resync: ["devloop resync", "devloop resync web"],
  rebuild: ["devloop rebuild"],
  ns: ["devloop ns list", "devloop ns current", "devloop ns use shop-feature-x"],
  daemon: ["devloop daemon status", "devloop daemon stop"],
  ps: ["devloop ps", "devloop ps --format json", "devloop ps -q web"],
  exec: ["devloop exec web sh", "devloop exec -T db psql -U postgres -c 'select 1'", "devloop exec -w /app -e DEBUG=1 web npm test"],
  port: ["devloop port web 80", "curl http://$(devloop port web 80)/"],
  run: ["devloop run web npm run migrate", "devloop run -T -e LOG_LEVEL=debug worker node scripts/once.js", "devloop run --entrypoint sh web"],
  build: ["devloop build", "devloop build web api", "devloop build -q web"],
  version: ["devloop version", "devloop version --format json", "devloop version --short"],
  completion: ["devloop completion bash > /etc/bash_completion.d/devloop", "devloop completion zsh > \"${fpath[1]}/_devloop\"", "devloop completion fish > ~/.config/fish/completions/devloop.fish"],
};

/** Adds each command's examples (and the exit codes) to the end of its --help. */
export const examples = (program: Command): void => {
  for (const command of program.commands) {
    const lines = commandExamples[command.name()];
    if (lines === undefined) continue;
    command.addHelpText("after", `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n\nExit codes: 0 ok, 1 user error (bad input, a failed service), 2 internal or daemon error.\n`);
  }
  program.addHelpText("after", `\nGlobal options go before the command, as with docker compose and kubectl:\n  $ devloop -f compose.yml -p shop --context dev -n shop-me up -d\n\nDocs: docs/cli.md lists every command beside its docker compose / kubectl counterpart.\n`);
};
