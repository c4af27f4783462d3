/**
 * DL-BUILD-006: a Dockerfile heredoc (`RUN <<EOF`, `COPY <<EOF /dest`) needs Dockerfile frontend 1.4. Docker 20.10's
 * built-in frontend (Debian's docker.io CLI, which devloop builds with on the bed; docs/build.md) has none and fails
 * the build with "unknown instruction", and `# syntax=docker/dockerfile:1` makes BuildKit pull the newer frontend
 * image from Docker Hub at build time, which an offline machine cannot. `devloop validate` warns at the Dockerfile
 * line, before a build fails. Pure: files are read through `read`.
 */
import path from "node:path";
import type { ComposeProject } from "../compose/types.js";
import { parseDockerfile } from "../image/dockerfile/parse-dockerfile.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import { translateDiagnostic } from "../translate/diagnostics.js";
import { BuildCodes } from "./codes.js";

const syntaxDirective = /^#\s*syntax\s*=\s*(\S+)/i;
const heredocWord = /(?:^|\s)<<-?(["']?)([A-Za-z_][A-Za-z0-9_]*)\1(?=\s|$)/;

/** The `# syntax=` image a Dockerfile asks for, if any (parser directives come first). */
export const dockerfileSyntax = (text: string): string | undefined => {
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (!/^\s*#/.test(line)) return undefined;
    const match = syntaxDirective.exec(line.trim());
    if (match) return match[1];
  }
  return undefined;
};

/** The heredoc's name when the instruction (RUN/COPY/ADD) starts one as BuildKit reads it: `<<EOF`, `<<-EOF`, `<<"EOF"`. */
export const heredocName = (instruction: { readonly args: string; readonly heredocs: readonly string[] }): string | undefined =>
  instruction.heredocs.length === 0 ? undefined : heredocWord.exec(instruction.args.split("\n", 1)[0] ?? "")?.[2];

const why = (syntax: string | undefined): string =>
  syntax === undefined
    ? "Docker 20.10's built-in Dockerfile frontend (Debian's docker.io, devloop's builder on the local cluster) has no heredocs and fails the build (unknown instruction)"
    : `its "# syntax=${syntax}" makes BuildKit pull that frontend image from Docker Hub at build time, which fails offline (20.10's built-in frontend has no heredocs)`;

/**
 * One warning per RUN/COPY/ADD with a heredoc in the Dockerfiles of the project's build: services.
 * `cwd`: files are named relative to it when inside it, as compose files are.
 */
export const heredocDiagnostics = (project: ComposeProject, read: (absolute: string) => string | undefined, cwd: string): Diagnostic[] => {
  const out: Diagnostic[] = [];
  for (const [name, service] of Object.entries(project.services)) {
    const build = service.build;
    if (build === undefined) continue;
    const inline = build.dockerfileInline;
    const absolute = path.resolve(build.context, build.dockerfile);
    const text = inline ?? read(absolute);
    if (text === undefined) continue;
    const syntax = dockerfileSyntax(text);
    for (const instruction of parseDockerfile(text).instructions) {
      // As BuildKit reads them: a shell word that starts with <<NAME (or <<-NAME, <<"NAME"); not `a << b` in quotes.
      const word = heredocName(instruction);
      if (word === undefined) continue;
      const message = `service ${name}: ${instruction.keyword} <<${word} is a Dockerfile heredoc; ${why(syntax)}`;
      const hint = `write the file into the build context and COPY it, or RUN the commands with && (or printf for a file); buildx or Docker 23+ builds heredocs`;
      if (inline !== undefined) {
        out.push(translateDiagnostic(project, { code: BuildCodes.heredoc, path: `services.${name}.build.dockerfile_inline`, message: `${message} (line ${instruction.line} of dockerfile_inline)`, hint }));
        continue;
      }
      const relative = path.relative(cwd, absolute);
      out.push({
        code: BuildCodes.heredoc,
        severity: "warning",
        file: relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative,
        line: instruction.line,
        column: instruction.column,
        length: instruction.keyword.length,
        path: `services.${name}.build.dockerfile`,
        message,
        hint,
      });
    }
  }
  return out;
};
