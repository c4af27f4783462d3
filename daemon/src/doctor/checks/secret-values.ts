/**
 * Secrets written where they leak. DL-DOCTOR-003: a literal secret in the compose environment: (values
 * interpolated from the shell or .env are fine). DL-DOCTOR-004: ENV, or an ARG default, in the final
 * image holding a secret. DL-DOCTOR-005: a secret-named ARG fed at build time. Values are never printed.
 */
import type { FindingDraft, FindingLocation } from "../finding.js";
import { nameValuePairs } from "../../image/dockerfile/parse-dockerfile.js";
import { unquote } from "../../image/dockerfile/shell-lex.js";
import { isSecretName, isTrivialValue, secretValueKind } from "../../image/secret-patterns.js";
import type { ServiceAnalysis } from "../service-analysis.js";
import type { DoctorCheck } from "./check.js";
import { finalChain, stageLabel } from "./check.js";

const why = (name: string, value: string): string | undefined => {
  const kind = secretValueKind(value);
  if (kind !== undefined) return `holds what looks like ${kind}`;
  if (isSecretName(name) && !isTrivialValue(value)) return "has a secret-looking name and a value";
  return undefined;
};

/** The compose line that sets the variable, when it can be found. */
const environmentLine = (analysis: ServiceAnalysis, name: string): { at: FindingLocation; text?: string } => {
  const key = `services.${analysis.service.name}.environment.${name}`;
  const source = analysis.locate.composeSource(key);
  const text = source === undefined ? undefined : analysis.composeLine(source.file, source.line);
  return text === undefined ? { at: analysis.locate.compose(key) } : { at: analysis.locate.compose(key), text };
};

const composeEnvironment = (analysis: ServiceAnalysis): FindingDraft[] => {
  const drafts: FindingDraft[] = [];
  const { service } = analysis;
  for (const [name, value] of Object.entries(service.environment)) {
    const source = service.environmentSources[name];
    if (source !== undefined && source !== "environment") continue; // from an env_file: kept out of the compose file already
    const reason = why(name, value);
    if (reason === undefined) continue;
    const { at, text } = environmentLine(analysis, name);
    // Interpolated (${DB_PASSWORD}) means the value lives outside the file; without the line, only sure shapes count.
    if (text !== undefined ? text.includes("$") : secretValueKind(value) === undefined) continue;
    drafts.push({
      code: "DL-DOCTOR-003",
      at,
      message: `environment variable ${name} ${reason} written in the compose file (value not shown)`,
      fix: `interpolate it from the shell or an untracked .env (\`${name}: \${${name}}\`), or use compose \`secrets:\``,
    });
  }
  return drafts;
};

const dockerfileSecrets = (analysis: ServiceAnalysis): FindingDraft[] => {
  const dockerfile = analysis.dockerfile;
  if (!dockerfile) return [];
  const drafts: FindingDraft[] = [];
  const buildArgs = analysis.service.build?.args ?? {};
  for (const stage of finalChain(analysis)) {
    for (const instruction of stage.instructions) {
      const at = dockerfile.locate.instruction(instruction, `${stageLabel(stage)} ${instruction.keyword}`);
      if (instruction.keyword === "ENV") {
        for (const { name, value: raw = "" } of nameValuePairs(instruction, dockerfile.parsed.escape)) {
          const value = unquote(raw, dockerfile.parsed.escape);
          const fromArg = /\$\{?[A-Za-z_]/.test(value);
          const reason = fromArg && isSecretName(name) ? "copies a build-time value into the image config" : why(name, value);
          if (reason !== undefined) drafts.push({ code: "DL-DOCTOR-004", at, message: `ENV ${name} ${reason} (value not shown)` });
        }
      } else if (instruction.keyword === "ARG") {
        for (const { name, value } of nameValuePairs(instruction, dockerfile.parsed.escape)) {
          const reason = value === undefined ? undefined : why(name, unquote(value, dockerfile.parsed.escape));
          if (reason !== undefined) drafts.push({ code: "DL-DOCTOR-004", at, message: `ARG ${name} default ${reason} (value not shown)` });
          else if (isSecretName(name)) {
            const passed = Object.hasOwn(buildArgs, name) ? " and the compose file passes it in build.args" : "";
            drafts.push({ code: "DL-DOCTOR-005", at, message: `ARG ${name} carries a secret into the build${passed}` });
          }
        }
      }
    }
  }
  return drafts;
};

export const secretValuesCheck: DoctorCheck = {
  name: "secret-values",
  codes: ["DL-DOCTOR-003", "DL-DOCTOR-004", "DL-DOCTOR-005"],
  run: (analysis) => [...composeEnvironment(analysis), ...dockerfileSecrets(analysis)],
};
