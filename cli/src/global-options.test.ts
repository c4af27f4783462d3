import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addComposeOptions } from "./compose-options.js";
import { addGlobalOptions, mergeGlobalOptions } from "./global-options.js";
import { withGlobalOptions } from "./run-command.js";

/** Parses argv as main.ts declares the program, and returns what a handler would receive. */
const parse = async (argv: string[]): Promise<{ name: string; args: unknown[] }> => {
  let seen: { name: string; args: unknown[] } | undefined;
  const program = addGlobalOptions(new Command("devloop").enablePositionalOptions().exitOverride());
  const record = (name: string) => (...args: unknown[]): void => {
    seen = { name, args: withGlobalOptions(args) };
  };
  addComposeOptions(program.command("up")).option("-n, --namespace <ns>").option("--context <c>").argument("[services...]").action(record("up"));
  program
    .command("logs")
    .option("-p, --project-name <name>")
    .option("--file <file>", "", (v: string, p: string[]) => [...p, v], [])
    .option("-f, --follow")
    .argument("[services...]")
    .action(record("logs"));
  await program.parseAsync(argv, { from: "user" });
  if (!seen) throw new Error("no action ran");
  return seen;
};

const optionsOf = (r: { args: unknown[] }): Record<string, unknown> => r.args[r.args.length - 2] as Record<string, unknown>;

describe("global options before the subcommand", () => {
  it("takes docker compose's -f -p --profile --env-file --project-directory and kubectl's --context -n", async () => {
    const r = await parse(["-f", "a.yml", "-f", "b.yml", "-p", "shop", "--profile", "dev", "--env-file", "x.env", "--project-directory", "/src", "--context", "kind", "-n", "shop-me", "up", "web"]);
    expect(r.args[0]).toEqual(["web"]);
    expect(optionsOf(r)).toMatchObject({ file: ["a.yml", "b.yml"], projectName: "shop", profile: ["dev"], envFile: ["x.env"], projectDirectory: "/src", context: "kind", namespace: "shop-me" });
  });

  it("logs -f means follow; the compose file goes before the subcommand", async () => {
    const r = await parse(["-f", "compose.dev.yml", "logs", "-f", "web"]);
    expect(optionsOf(r)).toMatchObject({ follow: true, file: ["compose.dev.yml"] });
    expect(r.args[0]).toEqual(["web"]);
  });

  it("the subcommand's own single value wins; repeatable ones are joined, globals first", async () => {
    const r = await parse(["-p", "outer", "-f", "a.yml", "up", "-p", "inner", "-f", "b.yml"]);
    expect(optionsOf(r)).toMatchObject({ projectName: "inner", file: ["a.yml", "b.yml"] });
  });

  it("--kubeconfig sets KUBECONFIG for this process and the daemon it starts", async () => {
    const before = process.env["KUBECONFIG"];
    try {
      await parse(["--kubeconfig", "/tmp/kc.yaml", "up"]);
      expect(process.env["KUBECONFIG"]).toBe("/tmp/kc.yaml");
    } finally {
      if (before === undefined) delete process.env["KUBECONFIG"];
      else process.env["KUBECONFIG"] = before;
    }
  });

  it("merge leaves options without a global value alone", () => {
    expect(mergeGlobalOptions({ file: [], profile: [] }, { file: ["x.yml"], detach: true })).toEqual({ file: ["x.yml"], detach: true });
    expect(mergeGlobalOptions({ namespace: "a" }, {})).toEqual({ namespace: "a" });
  });
});
