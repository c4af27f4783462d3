import type { DockerfileInstruction } from "./parse-dockerfile.js";
import { heredocBody } from "./parse-dockerfile.js";

/**
 * A RUN line split into simple commands (on &&, ||, ;, |, newlines), each as words with quotes removed.
 * Deliberately naive: enough to see `apt-get update`, `npm ci` or `rm -rf /var/lib/apt/lists/*`.
 */
export const splitShellCommands = (script: string): string[][] =>
  script
    .split(/&&|\|\||;|\||\n/)
    .map((command) =>
      command
        .trim()
        .split(/\s+/)
        .map((word) => word.replace(/^["']|["']$/g, ""))
        .filter((word) => word !== ""),
    )
    .filter((words) => words.length > 0);

/** The command words after leading `sudo`, `env X=1` and variable assignments. */
export const commandWords = (words: readonly string[]): readonly string[] => {
  let start = 0;
  while (start < words.length) {
    const word = words[start] ?? "";
    if (word === "sudo" || word === "env" || word === "exec" || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) start++;
    else break;
  }
  return words.slice(start);
};

/** The script a RUN executes: the JSON form's words joined, or the shell text with its heredoc bodies. */
export const runScript = (instruction: Pick<DockerfileInstruction, "body" | "json" | "heredocs">): string =>
  [instruction.json ? instruction.json.join(" ") : instruction.body, ...instruction.heredocs.map(heredocBody)].join("\n");
