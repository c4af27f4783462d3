/**
 * DL-BUILD-006: a Dockerfile heredoc (`RUN <<EOF`, `COPY <<EOF /dest`) that cannot be built: unterminated, a heredoc
 * as COPY's destination, a bad `${…}` in a COPY heredoc's expansion, a RUN script over the 64 KiB line Docker 20.10's
 * parser reads, a heredoc under ONBUILD. Heredocs themselves build: where the engine's frontend has none (20.10, the bed), devloop rewrites
 * them before the build (dockerfile-heredocs.ts; docs/build.md). `devloop validate` reports the problem at the
 * Dockerfile line, before a build fails. Pure: files are read through `read`.
 */
import type { ComposeProject } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import { BuildCodes } from "./codes.js";
import { buildDockerfiles } from "./dockerfile-diagnostics.js";
import { hasHeredocs, parseDockerfile } from "../image/dockerfile/parse-dockerfile.js";
import { translateHeredocs } from "./dockerfile-heredocs.js";

/**
 * One error per heredoc that cannot be built, in the Dockerfiles of the project's build: services. `cwd`: files are
 * named relative to it when inside it, as compose files are.
 */
export const heredocDiagnostics = (project: ComposeProject, read: (absolute: string) => string | undefined, cwd: string): Diagnostic[] => {
  const out: Diagnostic[] = [];
  for (const { build, text, diagnostic } of buildDockerfiles(project, read, cwd)) {
    if (!text.includes("<<")) continue;
    const parsed = parseDockerfile(text);
    if (!hasHeredocs(parsed)) continue;
    const platform = build.platforms?.length === 1 ? build.platforms[0] : undefined;
    const result = translateHeredocs(parsed, { args: build.args, buildPlatform: "linux/amd64", ...(platform === undefined ? {} : { platform }) });
    if (!("problems" in result)) continue;
    for (const problem of result.problems) out.push(diagnostic(problem, BuildCodes.heredoc, "error"));
  }
  return out;
};
