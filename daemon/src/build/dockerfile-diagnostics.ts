/**
 * The Dockerfiles of a project's build: services, for the checks `devloop validate` runs on them (heredoc-check.ts,
 * dockerfile-syntax-check.ts), and a problem of one as a diagnostic at its line: the Dockerfile's file, line and column,
 * or for dockerfile_inline the compose key with the line of the inline text in the message. Pure: files are read through `read`.
 */
import path from "node:path";
import type { BuildSpec, ComposeProject } from "../compose/types.js";
import type { Diagnostic, Severity } from "../errors/diagnostic.js";
import type { DockerfileProblem } from "../image/dockerfile/parse-dockerfile.js";
import { translateDiagnostic } from "../translate/diagnostics.js";

export interface BuildDockerfile {
  readonly service: string;
  readonly build: BuildSpec;
  readonly text: string;
  /** Where a problem of this Dockerfile is reported. */
  readonly diagnostic: (problem: DockerfileProblem, code: string, severity: Severity) => Diagnostic;
}

/** Each build: service's Dockerfile that can be read. `cwd`: files are named relative to it when inside it, as compose files are. */
export const buildDockerfiles = (project: ComposeProject, read: (absolute: string) => string | undefined, cwd: string): BuildDockerfile[] => {
  const out: BuildDockerfile[] = [];
  for (const [name, service] of Object.entries(project.services)) {
    const build = service.build;
    if (build === undefined) continue;
    const inline = build.dockerfileInline;
    const absolute = path.resolve(build.context, build.dockerfile);
    const text = inline ?? read(absolute);
    if (text === undefined) continue;
    const relative = path.relative(cwd, absolute);
    const file = relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative;
    const diagnostic = (problem: DockerfileProblem, code: string, severity: Severity): Diagnostic => {
      const message = `service ${name}: ${problem.message}`;
      const hint = problem.hint === undefined ? {} : { hint: problem.hint };
      if (inline !== undefined) {
        return translateDiagnostic(project, { code, severity, path: `services.${name}.build.dockerfile_inline`, message: `${message} (line ${problem.line} of dockerfile_inline)`, ...hint });
      }
      return { code, severity, file, line: problem.line, column: problem.column, path: `services.${name}.build.dockerfile`, message, ...hint };
    };
    out.push({ service: name, build, text, diagnostic });
  }
  return out;
};
