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
  /** Two generated objects of one kind got the same name. */
  duplicateName: "DL-TRANSLATE-015",
  /** A develop.watch rule on a file whose target has another file name: the file is not synced. */
  watchFileRenamed: "DL-TRANSLATE-016",
  /** A post_start / pre_stop hook sets user, privileged, working_dir or environment. */
  lifecycleHookField: "DL-TRANSLATE-017",
  /** Several post_start / pre_stop hooks: chained in one /bin/sh -c command. */
  lifecycleHooksChained: "DL-TRANSLATE-018",
  /** depends_on service_healthy on a service with no healthcheck in compose or its Dockerfile. */
  healthyWithoutHealthcheck: "DL-TRANSLATE-019",
  /** group_add names a group instead of a numeric id. */
  groupName: "DL-TRANSLATE-020",
  /** A sysctl outside Kubernetes' safe set. */
  unsafeSysctl: "DL-TRANSLATE-021",
  /** A dns server that is not an IP address, or more dns servers / search domains than a pod takes. */
  dnsServer: "DL-TRANSLATE-022",
  /** network_mode / ipc / volumes_from name a service that is not enabled, two different pods, or a cycle. */
  badJoin: "DL-TRANSLATE-023",
  /** A joined service (sidecar) keeps a setting that the pod it joins decides (replicas, pod-level keys, a depends_on on its own sidecar). */
  joinedSetting: "DL-TRANSLATE-024",
  /** network_mode: host / ipc: host → hostNetwork / hostIPC: the pod sees the node's network or IPC. */
  hostNamespace: "DL-TRANSLATE-025",
  /** network_mode: none, ipc: private / shareable, or a network name in network_mode: no pod equivalent. */
  namespaceNotReproduced: "DL-TRANSLATE-026",
  /** A deploy.placement constraint or preference, or a deploy.mode, that is not translated. */
  placementNotTranslated: "DL-TRANSLATE-027",
  /** A volume with a Windows path (c:\\data, a named pipe) or type: npipe: a Linux cluster cannot mount it. */
  windowsMount: "DL-TRANSLATE-028",
} as const;

/** One line per code, for docs/compose-support.md (and docs/errors.md). */
export const translateCodeDescriptions: Readonly<Record<string, string>> = {
  [TranslateCodes.ignoredKey]: "warning: a compose key devloop ignores on Kubernetes is present (the support tables list each one and why).",
  [TranslateCodes.rejectedKey]: "error: a compose key that cannot be reproduced on Kubernetes is present (none today: network_mode and volumes_from join pods, see DL-TRANSLATE-023).",
  [TranslateCodes.userName]: "warning: user: is a name; only numeric uid[:gid] becomes runAsUser/runAsGroup.",
  [TranslateCodes.missingContent]: "warning: the file or variable behind a secret or config was not available; the object is rendered empty.",
  [TranslateCodes.bindOutsideProject]: "warning: a bind mount outside the project directory becomes a synced emptyDir (list it in x-devloop.hostPath for hostPath).",
  [TranslateCodes.hostGateway]: "warning: extra_hosts with host-gateway has no pod equivalent and is dropped.",
  [TranslateCodes.labelAsAnnotation]: "warning: a compose label is not a valid Kubernetes label and is kept as an annotation.",
  [TranslateCodes.restartNotHonoured]: "warning: restart: \"no\" / on-failure on a Deployment; Kubernetes restarts its pods anyway.",
  [TranslateCodes.invalidHostname]: "warning: hostname: is not a DNS label and is not set.",
  [TranslateCodes.fileOwner]: "warning: uid/gid on a secret or config mount are not translated.",
  [TranslateCodes.entrypointReset]: "warning: entrypoint reset without a command; the image ENTRYPOINT stays.",
  [TranslateCodes.jobRestart]: "warning: a one-shot service (a Job) has restart: always / unless-stopped; it becomes OnFailure.",
  [TranslateCodes.badTemplate]: "error (template files) / warning (x-devloop.templates): a template has an unknown kind, the wrong shape, or sets a generated field.",
  [TranslateCodes.duplicateName]: "error: two generated objects of one kind have the same name (e.g. secret \"x-env\" and the env Secret of service \"secret-x\"); rename one.",
  [TranslateCodes.watchFileRenamed]: "warning: a develop.watch rule on a file has a target with another file name; devloop syncs a file under its own name, so the rule is dropped.",
  [TranslateCodes.lifecycleHookField]: "warning: a post_start / pre_stop hook's user, privileged, working_dir or environment cannot be set on a Kubernetes lifecycle hook; the command runs without them.",
  [TranslateCodes.lifecycleHooksChained]: "warning: several post_start / pre_stop hooks run as one /bin/sh -c command (the image needs /bin/sh).",
  [TranslateCodes.healthyWithoutHealthcheck]: "warning: a service waits for another to be healthy (service_healthy), but that one has no healthcheck in compose or in its Dockerfile; devloop counts it healthy once its container runs (docker compose refuses to start the waiting service).",
  [TranslateCodes.groupName]: "warning: a group_add entry is a group name; only numeric ids become supplementalGroups.",
  [TranslateCodes.unsafeSysctl]: "warning: a sysctl outside Kubernetes' safe set is left out (the kubelet would refuse the pod unless it allows it).",
  [TranslateCodes.dnsServer]: "warning: a dns server that is not an IP address, a 4th dns server or a 7th search domain is left out (a pod's dnsConfig limits).",
  [TranslateCodes.badJoin]: "error: network_mode / ipc service: or container:, or volumes_from, names a service that is not enabled, two different pods, or a cycle.",
  [TranslateCodes.joinedSetting]: "warning: a service that joins another's pod (sidecar) runs in each of its replicas; its own replicas, pod-level keys (hostname, dns, sysctls, group_add) and a depends_on of the pod's service on its sidecar are the pod's business and are not applied.",
  [TranslateCodes.hostNamespace]: "warning: network_mode: host / ipc: host become hostNetwork / hostIPC: the pod sees the node's network or IPC namespace.",
  [TranslateCodes.namespaceNotReproduced]: "warning: network_mode: none or a network name, or ipc: private / shareable, has no pod equivalent: the pod keeps the cluster network, and its containers share one IPC namespace.",
  [TranslateCodes.placementNotTranslated]: "warning: a deploy.placement constraint other than node.hostname / node.labels.* / node.platform.* ==/!=, a placement preference, max_replicas_per_node, or a deploy.mode other than replicated / global is not translated.",
  [TranslateCodes.windowsMount]: "warning: a volume with a Windows path (c:\\data) or a named pipe (type: npipe, \\\\.\\pipe\\…) is left out: a Linux cluster cannot mount it.",
  [TranslateCodes.renamed]: "warning: a service name is not a valid Kubernetes name; its Service gets a sanitised name and the original hostname does not resolve.",
};
