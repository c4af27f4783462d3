/**
 * DL-DOCTOR-013: the process that becomes PID 1 is a shell (shell-form ENTRYPOINT/CMD, or sh -c) and the
 * service has no `init: true`: SIGTERM is not forwarded and zombies are not reaped.
 */
import type { DockerfileInstruction } from "../../image/dockerfile/parse-dockerfile.js";
import { lastInChain } from "../../image/dockerfile/stages.js";
import type { FindingDraft } from "../finding.js";
import type { DoctorCheck } from "./check.js";
import { finalChain, quote, stageLabel } from "./check.js";

const shells = new Set(["sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash", "/usr/bin/bash", "/bin/zsh"]);

/** Exec-form words that still run a shell as PID 1 (sh -c "…" without exec). */
export const isShellWrapper = (words: readonly string[]): boolean =>
  shells.has(words[0] ?? "") && words[1] === "-c" && !/^\s*exec\s/.test(words[2] ?? "");

/** A Dockerfile CMD/ENTRYPOINT whose PID 1 is a shell. */
const shellPid1 = (instruction: DockerfileInstruction): boolean =>
  instruction.json ? isShellWrapper(instruction.json) : instruction.body.trim() !== "" && !/^exec\s/.test(instruction.body.trim());

export const pid1SignalsCheck: DoctorCheck = {
  name: "pid1-signals",
  codes: ["DL-DOCTOR-013"],
  run: (analysis) => {
    const { service } = analysis;
    if (service.init === true) return [];
    const name = service.name;
    const chain = finalChain(analysis);
    const dockerfile = analysis.dockerfile;
    const composeDraft = (key: "entrypoint" | "command", words: readonly string[]): FindingDraft[] =>
      isShellWrapper(words)
        ? [
            {
              code: "DL-DOCTOR-013",
              at: analysis.locate.compose(`services.${name}.${key}`),
              message: `${key} runs \`${quote(words.join(" "))}\` through a shell as PID 1 and the service has no init: true`,
              fix: "set `init: true` on the service, and start the script's last command with `exec` so it receives the signals",
            },
          ]
        : [];
    const fileDraft = (instruction: DockerfileInstruction): FindingDraft[] => {
      const final = chain[0];
      if (!dockerfile || !final || !shellPid1(instruction)) return [];
      const form = instruction.json ? "runs a shell" : "is in shell form";
      return [
        {
          code: "DL-DOCTOR-013",
          at: dockerfile.locate.instruction(instruction, `${stageLabel(final)} ${instruction.keyword}`),
          message: `${instruction.keyword} ${quote(instruction.body, 50)} ${form}, so /bin/sh is PID 1, and the service has no init: true`,
        },
      ];
    };
    // ENTRYPOINT decides PID 1 when there is one; else CMD does.
    if (service.entrypoint !== undefined && service.entrypoint !== null && service.entrypoint.length > 0) return composeDraft("entrypoint", service.entrypoint);
    const entrypoint = service.entrypoint === null ? undefined : lastInChain(chain, "ENTRYPOINT");
    if (entrypoint && (entrypoint.json === undefined || entrypoint.json.length > 0)) return fileDraft(entrypoint);
    if (service.command !== undefined && service.command !== null && service.command.length > 0) return composeDraft("command", service.command);
    const command = lastInChain(chain, "CMD");
    return command ? fileDraft(command) : [];
  },
};
