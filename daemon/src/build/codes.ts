/** Diagnostic codes of the build module (DL-BUILD-001…005 belong to x-devloop.compile: compile/codes.ts). */
export const BuildCodes = {
  /** A Dockerfile heredoc (RUN/COPY <<EOF): Docker 20.10's frontend rejects it (build/heredoc-check.ts). */
  heredoc: "DL-BUILD-006",
} as const;

/** One line per code, for docs/errors.md (scripts/gen-errors-doc.ts). */
export const buildCodeDescriptions: Readonly<Record<string, string>> = {
  [BuildCodes.heredoc]: "warning: a Dockerfile heredoc (RUN/COPY <<EOF): Docker 20.10's built-in frontend cannot build it, and a `# syntax=` frontend image that can needs Docker Hub.",
};
