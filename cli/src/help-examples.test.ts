import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { commandExamples, examples } from "./help-examples.js";

describe("help examples", () => {
  it("every command's --help ends with examples and the exit codes", () => {
    const program = new Command("devloop");
    program.command("up");
    program.command("ps");
    examples(program);
    for (const command of program.commands) {
      let text = "";
      command.configureOutput({ writeOut: (s) => (text += s) });
      command.outputHelp();
      expect(text).toContain("Examples:");
      expect(text).toContain(`$ devloop ${command.name() === "up" ? "up" : "ps"}`);
      expect(text).toContain("Exit codes: 0 ok, 1 user error");
    }
  });

  it("each example runs the command it documents", () => {
    for (const [name, lines] of Object.entries(commandExamples)) {
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(new RegExp(`devloop (-[^ ]+ [^ ]+ )*${name}\\b`));
    }
  });
});
