/**
 * Every doctor finding code: stable, with its severity, a one-line why and the default fix.
 * docs/doctor.md documents each one (a unit test keeps the two in step).
 */
import type { Severity } from "../errors/diagnostic.js";

export interface DoctorCodeInfo {
  readonly title: string;
  readonly severity: Severity;
  readonly why: string;
  readonly fix: string;
  /** The finding's source line holds a secret: renderers must not show it. */
  readonly sensitive?: boolean;
}

export const DOCTOR_CODES = {
  "DL-DOCTOR-001": {
    title: "runs as root",
    severity: "warning",
    why: "a process running as root turns any container escape or file-write bug into root on the node",
    fix: "add `USER 1000` (or a named user) at the end of the final stage, or set `user:` on the service",
  },
  "DL-DOCTOR-002": {
    title: "unpinned image version",
    severity: "warning",
    why: "a moving tag rebuilds and redeploys a different image without a change on your side: builds stop being reproducible",
    fix: "pin a full version (node:20.18.1-bookworm-slim) or a digest (node@sha256:…)",
  },
  "DL-DOCTOR-003": {
    title: "secret literal in compose environment",
    severity: "warning",
    sensitive: true,
    why: "a secret written in the compose file is committed with it and shown by `docker compose config` and `kubectl describe`",
    fix: "interpolate it from the shell or an untracked .env (`DB_PASSWORD: ${DB_PASSWORD}`), or use compose `secrets:`",
  },
  "DL-DOCTOR-004": {
    title: "secret baked into the image by ENV or ARG",
    severity: "error",
    sensitive: true,
    why: "ENV and ARG values are stored in the image config and history: anyone who can pull the image can read them",
    fix: "pass it at run time (environment/secrets) or at build time with `RUN --mount=type=secret`",
  },
  "DL-DOCTOR-005": {
    title: "secret passed as a build ARG",
    severity: "warning",
    why: "build-arg values used by RUN are recorded in the image history (`docker history`)",
    fix: "use a build secret: `RUN --mount=type=secret,id=NAME` and `build.secrets` in compose",
  },
  "DL-DOCTOR-006": {
    title: "secret file in the build context",
    severity: "error",
    why: "every file of the context is sent to the builder and `COPY .` bakes it into a layer that stays in the image",
    fix: "add it to .dockerignore (and rotate it if an image with it was ever pushed)",
  },
  "DL-DOCTOR-007": {
    title: "large build context",
    severity: "warning",
    why: "the whole context is sent to the builder before every build: a large one slows every rebuild of the loop",
    fix: "exclude what the image does not need (node_modules, .git, data, build output) in .dockerignore",
  },
  "DL-DOCTOR-008": {
    title: "no .dockerignore",
    severity: "warning",
    why: "without one, .git, node_modules, local builds and secrets are sent to the builder and may land in the image",
    fix: "add a .dockerignore at the root of the build context (start from `.git`, `node_modules`, `.env`, `*.pem`)",
  },
  "DL-DOCTOR-009": {
    title: "cache-busting instruction order",
    severity: "warning",
    why: "copying the whole source before installing dependencies re-runs the install on every source edit",
    fix: "copy only the dependency manifests (package.json, lock file, requirements.txt, go.mod…), install, then copy the source",
  },
  "DL-DOCTOR-010": {
    title: "apt-get update in a layer of its own",
    severity: "warning",
    why: "the cached update layer goes stale: later installs use old package lists and fail or install outdated packages",
    fix: "run `apt-get update && apt-get install -y … && rm -rf /var/lib/apt/lists/*` in one RUN",
  },
  "DL-DOCTOR-011": {
    title: "apt package lists left in the image",
    severity: "warning",
    why: "the package lists (tens of MB) stay in the layer even if a later RUN deletes them",
    fix: "end the same RUN with `&& rm -rf /var/lib/apt/lists/*`",
  },
  "DL-DOCTOR-012": {
    title: "ADD of a URL",
    severity: "warning",
    why: "the download is neither verified nor cached predictably, and its content can change between builds",
    fix: "use `ADD --checksum=sha256:… URL` or `RUN curl -fsSLO URL && echo 'SHA  file' | sha256sum -c`",
  },
  "DL-DOCTOR-013": {
    title: "shell-form command as PID 1",
    severity: "warning",
    why: "with shell form, /bin/sh is PID 1: it does not forward SIGTERM (slow, unclean stops) nor reap zombies",
    fix: "use exec form (CMD [\"node\", \"server.js\"]) and set `init: true` on the service (or use tini) to reap zombies",
  },
  "DL-DOCTOR-014": {
    title: "build tooling in the final image",
    severity: "warning",
    why: "compilers and -dev packages make the image larger and give an attacker a toolchain",
    fix: "use a multi-stage build: compile in a build stage, COPY --from it the artifacts into a small runtime stage",
  },
  "DL-DOCTOR-015": {
    title: "large data file in the build context",
    severity: "warning",
    why: "datasets in images make every push, pull, node disk and registry backup pay for them again",
    fix: "mount the data as a volume, or fetch it in an init container into a shared volume, and .dockerignore it",
  },
  "DL-DOCTOR-016": {
    title: "UPX-packed binary",
    severity: "warning",
    why: "a UPX binary is decompressed into memory at every start: slower starts, more memory, little saved once layers are compressed",
    fix: "ship the binary uncompressed (drop the `upx` step); use a smaller base or strip symbols instead",
  },
  "DL-DOCTOR-017": {
    title: "large image",
    severity: "warning",
    why: "big images are slow to build, push and pull, and every node pays for them in disk and start-up time",
    fix: "use a multi-stage build and a slim base; look at the largest layers with `docker history`",
  },
  "DL-DOCTOR-018": {
    title: "Dockerfile heredoc that cannot be built",
    severity: "warning",
    why: "the build fails at this heredoc (RUN <<EOF, COPY <<EOF), with BuildKit's own heredoc support as with devloop's rewrite of heredocs for Docker 20.10's frontend (docs/build.md)",
    fix: "end each heredoc with a line that is exactly its name (leading tabs only with <<-); a heredoc is a COPY source, never its destination; set what ${VAR:?} asks for, or quote the delimiter (<<\"EOF\") to copy $ as written",
  },
  "DL-DOCTOR-019": {
    title: "Dockerfile line BuildKit refuses",
    severity: "error",
    why: "BuildKit's parser stops the build at this line: an unknown instruction or one before the first FROM, FROM with a bad stage name, missing or malformed arguments (COPY with one, ENV NAME without a value, SHELL not in JSON), a flag the instruction does not take or without its =value, a repeated flag, an exec-form array of non-strings, a repeated or bad parser directive",
    fix: "write flags as --name=value (a value after a space is read as the instruction's first argument), once each, only those the instruction takes; quote every item of an exec-form array",
  },
  "DL-DOCTOR-020": {
    title: "text after an exec-form array",
    severity: "warning",
    why: "Docker 20.10's frontend runs the array and silently drops the text after it; BuildKit 0.15+ runs the whole line, brackets included, in a shell, which fails at run time",
    fix: "end the line at the array's ]: a # after it is no comment in a Dockerfile",
  },
} as const satisfies Record<string, DoctorCodeInfo>;

export type DoctorCode = keyof typeof DOCTOR_CODES;

export const isDoctorCode = (code: string): code is DoctorCode => Object.hasOwn(DOCTOR_CODES, code);
