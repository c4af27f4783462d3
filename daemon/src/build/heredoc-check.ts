/**
 * DL-BUILD-006: a Dockerfile heredoc (`RUN <<EOF`, `COPY <<EOF /dest`) that cannot be built: unterminated, a heredoc
 * as COPY's destination, a bad `${…}` in a COPY heredoc's expansion, a RUN script over the 64 KiB line Docker 20.10's
 * parser reads, a heredoc under ONBUILD. Heredocs themselves build: where the engine's frontend has none (20.10, the bed), devloop rewrites
 * them before the build (dockerfile-heredocs.ts; docs/build.md). `devloop validate` reports the problem at the
 * Dockerfile line, before a build fails. Pure: files are read through `read`.
 */
import path from "node:path";
import type { ComposeProject } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import { translateDiagnostic } from "../translate/diagnostics.js";
import { BuildCodes } from "./codes.js";
import { hasHeredocs, parseDockerfile } from "../image/dockerfile/parse-dockerfile.js";
import { translateHeredocs } from "./dockerfile-heredocs.js";

/**
 * One error per heredoc that cannot be built, in the Dockerfiles of the project's build: services. `cwd`: files are
 * named relative to it when inside it, as compose files are.
 */
export const heredocDiagnostics = (project: ComposeProject, read: (absolute: string) => string | undefined, cwd: string): Diagnostic[] => {
  const out: Diagnostic[] = [];
  for (const [name, service] of Object.entries(project.services)) {
    const build = service.build;
    if (build === undefined) continue;
    const inline = build.dockerfileInline;
    const absolute = path.resolve(build.context, build.dockerfile);
    const text = inline ?? read(absolute);
    if (text === undefined || !text.includes("<<")) continue;
    const parsed = parseDockerfile(text);
    if (!hasHeredocs(parsed)) continue;
    const platform = build.platforms?.length === 1 ? build.platforms[0] : undefined;
    const result = translateHeredocs(parsed, { args: build.args, buildPlatform: "linux/amd64", ...(platform === undefined ? {} : { platform }) });
    if (!("problems" in result)) continue;
    for (const problem of result.problems) {
      const message = `service ${name}: ${problem.message}`;
      const hint = problem.hint === undefined ? {} : { hint: problem.hint };
      if (inline !== undefined) {
        out.push(translateDiagnostic(project, { code: BuildCodes.heredoc, severity: "error", path: `services.${name}.build.dockerfile_inline`, message: `${message} (line ${problem.line} of dockerfile_inline)`, ...hint }));
        continue;
      }
      const relative = path.relative(cwd, absolute);
      out.push({
        code: BuildCodes.heredoc,
        severity: "error",
        file: relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative,
        line: problem.line,
        column: problem.column,
        path: `services.${name}.build.dockerfile`,
        message,
        ...hint,
      });
    }
  }
  return out;
};
