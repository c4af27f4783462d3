/** Stable diagnostic codes of the translation stage (documented in docs/compose-support.md and docs/errors.md). */
export const TranslateCodes = {
  /** A compose key devloop ignores (see support.ts) is present. */
  ignoredKey: "DL-TRANSLATE-001",
  /** A compose key devloop cannot reproduce on Kubernetes is present. */
  rejectedKey: "DL-TRANSLATE-002",
  /** user: is a name, not a numeric uid[:gid]. */
  userName: "DL-TRANSLATE-003",
  /** The content of a secret or config file was not handed to the translator. */
  missingContent: "DL-TRANSLATE-004",
  /** A bind mount outside the project directory (still an emptyDir filled by sync). */
  bindOutsideProject: "DL-TRANSLATE-005",
  /** extra_hosts with host-gateway. */
  hostGateway: "DL-TRANSLATE-006",
  /** A compose label that is not a valid Kubernetes label: kept as an annotation. */
  labelAsAnnotation: "DL-TRANSLATE-007",
  /** restart: "no" / on-failure on a long-running service: Kubernetes restarts Deployment pods anyway. */
  restartNotHonoured: "DL-TRANSLATE-008",
  /** hostname: is not a DNS label. */
  invalidHostname: "DL-TRANSLATE-009",
  /** uid/gid on a secret or config mount. */
  fileOwner: "DL-TRANSLATE-010",
  /** entrypoint reset to [] without a command: the image CMD cannot be run without its ENTRYPOINT. */
  entrypointReset: "DL-TRANSLATE-011",
  /** A one-shot service (waited on with service_completed_successfully) has restart: always / unless-stopped. */
  jobRestart: "DL-TRANSLATE-012",
  /** A template override for an unknown kind or of the wrong shape. */
  badTemplate: "DL-TRANSLATE-013",
  /** A compose name had to be changed to become a Kubernetes name. */
  renamed: "DL-TRANSLATE-014",
} as const;
