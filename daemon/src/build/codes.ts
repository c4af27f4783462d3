/** Diagnostic codes of the build module (DL-BUILD-001…005 belong to x-devloop.compile: compile/codes.ts). */
export const BuildCodes = {
  /** A Dockerfile heredoc (RUN/COPY <<EOF): Docker 20.10's frontend rejects it (build/heredoc-check.ts). */
  heredoc: "DL-BUILD-006",
} as const;
