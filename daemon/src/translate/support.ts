/**
 * What devloop does with every Compose key: translated into Kubernetes fields, ignored with a warning, or
 * rejected. docs/compose-support.md is generated from this table (npm run docs:support), and translate
 * warns about every ignored or rejected key a project actually uses (found through project.sourceMap).
 */
export const SupportStatus = {
  translated: "translated",
  ignored: "ignored-with-warning",
  rejected: "rejected",
} as const;
export type SupportStatus = (typeof SupportStatus)[keyof typeof SupportStatus];

export interface SupportEntry {
  /** Key path with "*" for the service name: "services.*.healthcheck", or a top-level key "volumes". */
  readonly key: string;
  readonly status: SupportStatus;
  /** The Kubernetes fields it becomes (translated keys). */
  readonly kubernetes?: string;
  readonly note: string;
}

const t = (key: string, kubernetes: string, note: string): SupportEntry => ({ key, status: SupportStatus.translated, kubernetes, note });
const i = (key: string, note: string): SupportEntry => ({ key, status: SupportStatus.ignored, note });

const S = "services.*.";
const C = "containers[0]";

export const topLevelSupport: readonly SupportEntry[] = [
  t("name", "metadata.labels[app.kubernetes.io/part-of], default namespace", "The project name labels every object and names the default namespace <project>-<user>."),
  t("services", "Deployment | Job, Service", "One workload per enabled service; see the service keys below."),
  t("volumes", "PersistentVolumeClaim", "One PVC per named volume that a service uses; size from volumes.<name>.x-devloop.size (default 1Gi); external: true refers to an existing PVC of that name."),
  t("secrets", "Secret", "One Secret per secret a service uses (file, environment or content source), mounted at its target; external: true refers to an existing Secret."),
  t("configs", "ConfigMap", "One ConfigMap per config a service uses, mounted at its target; external: true refers to an existing ConfigMap."),
  t("networks", "NetworkPolicy per network", "When the services are not all on the same networks, each network becomes a NetworkPolicy admitting ingress to its members from its members only (a service without networks: is on default), and the pods are labelled with their networks; egress, internal: and drivers are not reproduced. Enforced by network plugins that implement NetworkPolicy."),
  t("include", "(loader)", "Resolved by the loader before translation."),
  i("version", "Obsolete in the Compose specification."),
  t("x-devloop", "templates", "x-devloop.templates.<Kind> is merged over the built-in object skeletons (see Templates)."),
  t("x-devloop.image_delivery", "containers[].image (the built reference); imagePullSecrets under registry", "auto | registry | engine | kind: how built images reach the cluster (auto: decided from the project's cluster). DEVLOOP_IMAGE_DELIVERY in the shell that runs up comes first. See docs/team-clusters.md."),
  t("x-devloop.registry", "containers[].image (<registry>/<project>-<service>:dl-<hash>), Secret devloop-registry", "host[:port][/path] to push built images to (registry delivery); DEVLOOP_REGISTRY comes first. Old content-hash tags are pruned (docs/team-clusters.md)."),
  i("models", "AI model definitions are not supported."),
];

export const serviceSupport: readonly SupportEntry[] = [
  t(`${S}annotations`, "metadata.annotations (workload and pod template)", ""),
  i(`${S}attach`, "Logs are always streamed by devloop."),
  i(`${S}blkio_config`, "No Kubernetes equivalent."),
  t(`${S}build`, `${C}.image, imagePullPolicy: IfNotPresent`, "Built by the engine; without image: the tag is <project>-<service>:devloop (or the engine's content-hash tag)."),
  t(`${S}cap_add`, `${C}.securityContext.capabilities.add`, "The CAP_ prefix is removed."),
  t(`${S}cap_drop`, `${C}.securityContext.capabilities.drop`, "The CAP_ prefix is removed."),
  i(`${S}cgroup`, "No Kubernetes equivalent."),
  i(`${S}cgroup_parent`, "No Kubernetes equivalent."),
  t(`${S}command`, `${C}.args`, "command replaces the image CMD: Kubernetes args. With entrypoint reset to [], it becomes command."),
  t(`${S}configs`, `ConfigMap, ${C}.volumeMounts (subPath)`, "Mounted read-only at the target (default /<name>); mode → items[].mode; uid/gid are ignored with a warning."),
  i(`${S}container_name`, "Kubernetes names pods itself; the Service named after the compose service keeps the hostname."),
  i(`${S}cpu_count`, "Windows only (number of usable CPUs); use cpus or deploy.resources.limits.cpus."),
  i(`${S}cpu_percent`, "Windows only; use cpus or deploy.resources.limits.cpus."),
  i(`${S}cpu_period`, "Kubernetes sets the CFS period (100ms) and quota from limits.cpu; write cpus: <cpu_quota / cpu_period> instead."),
  i(`${S}cpu_quota`, "Kubernetes sets the CFS period (100ms) and quota from limits.cpu; write cpus: <cpu_quota / cpu_period> instead."),
  i(`${S}cpu_rt_period`, "No Kubernetes equivalent."),
  i(`${S}cpu_rt_runtime`, "No Kubernetes equivalent."),
  i(`${S}cpu_shares`, "A relative weight; the kubelet derives it from requests.cpu (1024 per core), which also reserves capacity: write deploy.resources.reservations.cpus: <cpu_shares / 1024> if that is meant."),
  t(`${S}cpus`, `${C}.resources.limits.cpu`, "Same as deploy.resources.limits.cpus; both with different values is an error (DL-COMPOSE-043), as in compose."),
  i(`${S}cpuset`, "No Kubernetes equivalent."),
  i(`${S}credential_spec`, "Windows only."),
  t(`${S}depends_on`, `metadata.annotations[devloop.dev/depends-on], dependency graph`, "Kubernetes has no start order: the engine enforces service_started, service_healthy (readiness) and service_completed_successfully (Job succeeded). restart: true restarts the service once a dependency it names is updated (re-applied with new content) or restarted (devloop restart) and meets the condition again, as Compose does."),
  t(`${S}deploy`, "replicas, resources, labels, DaemonSet, nodeSelector, affinity", "replicas → spec.replicas; resources.limits → limits; resources.reservations → requests; labels → workload labels; restart_policy → Job backoffLimit; mode: global → DaemonSet; placement.constraints → nodeSelector / node affinity; update_config, rollback_config, endpoint_mode and placement.preferences are ignored with a warning."),
  t(`${S}develop`, `initContainers[devloop-seed], volumes, ${C}.command/args`, "develop.watch rules drive the sync controller (sync, sync+restart, sync+exec, restart, rebuild; a rule on a file syncs that file, under its own name). Each directory synced into becomes an emptyDir seeded from the image by the devloop-seed init container (what is synced survives a restart); with sync+restart or restart the command runs under devloop's process supervisor (compose entrypoint, or the built image's ENTRYPOINT/CMD), an image-only service without entrypoint has its pod replaced instead."),
  i(`${S}device_cgroup_rules`, "No Kubernetes equivalent."),
  i(`${S}devices`, "Needs a device plugin in Kubernetes."),
  t(`${S}dns`, "spec.template.spec.dnsConfig.nameservers", "IP addresses, at most 3, after the cluster DNS (dnsPolicy stays ClusterFirst, so service names still resolve), as Docker's embedded DNS forwards to them; others are left out with a warning."),
  t(`${S}dns_opt`, "spec.template.spec.dnsConfig.options", "\"name:value\" → {name, value}; \"name\" → {name}."),
  t(`${S}dns_search`, "spec.template.spec.dnsConfig.searches", "Added after the namespace's own search domains; at most 6."),
  i(`${S}domainname`, "Use hostname; subdomain is not set."),
  t(`${S}entrypoint`, `${C}.command`, "entrypoint replaces the image ENTRYPOINT: Kubernetes command."),
  t(`${S}env_file`, `Secret <service>-env, ${C}.env[].valueFrom.secretKeyRef`, "Values from env files go to a Secret (env files usually hold credentials); environment: wins over env_file as in Compose."),
  t(`${S}environment`, `${C}.env`, "Plain values; names that look secret (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, CREDENTIAL; not *_FILE, which holds a path) go to the <service>-env Secret instead."),
  t(`${S}expose`, "Service ports", "Each exposed port becomes a port of the ClusterIP Service named after the service."),
  t(`${S}extends`, "(loader)", "Resolved by the loader before translation."),
  i(`${S}external_links`, "Refer to the other project's Service DNS name instead."),
  t(`${S}extra_hosts`, "spec.template.spec.hostAliases", "Grouped by IP; host-gateway is ignored with a warning."),
  i(`${S}gpus`, "Needs a device plugin in Kubernetes."),
  t(`${S}group_add`, "spec.template.spec.securityContext.supplementalGroups", "Numeric group ids; a group name cannot be resolved outside the image and is left out with a warning."),
  t(`${S}healthcheck`, `${C}.readinessProbe`, "exec probe (CMD → command, CMD-SHELL → /bin/sh -c), or httpGet / tcpSocket when the test only fetches a local HTTP endpoint or opens a local port the service declares (curl, wget, node -e fetch, nc -z; see the healthcheck note above the table); interval → periodSeconds, timeout → timeoutSeconds, retries → failureThreshold, start_period → initialDelaySeconds; Compose defaults (30s, 30s, 3) when unset. Without a compose healthcheck the HEALTHCHECK of the build's Dockerfile (final stage or a stage it builds on) is the probe; a healthcheck without test keeps that test and overrides its other fields; disable: true turns it off (a pulled image's own HEALTHCHECK is not read). A readiness probe, not a liveness probe: an unhealthy container is not restarted, as in Compose."),
  t(`${S}hostname`, "spec.template.spec.hostname", "Must be a DNS label; the compose service name always resolves through the Service."),
  t(`${S}image`, `${C}.image`, "TranslateOptions.images overrides it (the engine's built tag)."),
  t(`${S}init`, "spec.template.spec.shareProcessNamespace: true", "Kubernetes has no --init; with a shared process namespace the pause container is PID 1 and reaps zombies, which is what init: true is for."),
  t(`${S}ipc`, "sidecar container in the pod of <name> (service:/container:), spec.template.spec.hostIPC (host)", "service:<name> / container:<name> put the container into that service's pod, as network_mode does (the containers of a pod share one IPC namespace); host → hostIPC: true with a warning; private and shareable are not reproduced (warning): a pod's containers always share IPC and no other pod can join it."),
  i(`${S}isolation`, "Windows only."),
  t(`${S}label_file`, "metadata.labels (workload and pod template), as labels", "Read as Docker's --label-file reads it: key=value per line, taken literally; a later file wins, labels: wins over the files; a missing file is an error."),
  t(`${S}labels`, "metadata.labels (workload and pod template)", "Labels that are not valid Kubernetes labels become annotations, with a warning."),
  i(`${S}links`, "Every Service name resolves in the namespace; link aliases are not created."),
  i(`${S}logging`, "Logs are read from the pods by devloop."),
  i(`${S}mac_address`, "No Kubernetes equivalent."),
  t(`${S}mem_limit`, `${C}.resources.limits.memory`, "Same as deploy.resources.limits.memory; both with different values is an error (DL-COMPOSE-043), as in compose."),
  t(`${S}mem_reservation`, `${C}.resources.requests.memory`, "Same as deploy.resources.reservations.memory; both with different values is an error (DL-COMPOSE-043), as in compose. A request also reserves capacity on the node, a Docker reservation does not."),
  i(`${S}mem_swappiness`, "No Kubernetes equivalent."),
  i(`${S}memswap_limit`, "Swap is configured per node in Kubernetes (NodeSwap), not per container."),
  i(`${S}models`, "AI model bindings are not supported."),
  t(`${S}network_mode`, "sidecar container in the pod of <name> (service:/container:), spec.template.spec.hostNetwork (host)", "service:<name> and container:<name> (a service's name or its container_name) put the service's container into that service's pod, where it shares the network (localhost), IPC and the pod's volumes; it keeps its own name in status, logs and restart, runs in each replica of that pod (warned when there are several), and its ports get a Service of its own selecting that pod; with build: its built image runs in that pod (the pod waits for the build and rolls out when the image changes); restarting it without a supervisor replaces that pod; a chain (a joins b joins c) ends in c's pod. host → hostNetwork: true and dnsPolicy ClusterFirstWithHostNet, with a warning (the node's network, not your machine's). none → not reproduced, with a warning: a pod always has the cluster network. bridge and default → the pod's own network, as every pod. Any other value (a network name) → warning, the pod's own network."),
  t(`${S}networks`, "Service per alias, pod labels net.devloop.dev/<network>", "Aliases (networks.<net>.aliases) become extra Services selecting the same pods, so those hostnames resolve; membership decides which NetworkPolicies admit the pod's traffic (see networks)."),
  i(`${S}oom_kill_disable`, "No Kubernetes equivalent."),
  i(`${S}oom_score_adj`, "The kubelet sets it from the pod's QoS class (resources requests and limits)."),
  i(`${S}pid`, "Use init: true for a shared process namespace inside the pod."),
  i(`${S}pids_limit`, "Set per node in Kubernetes (kubelet podPidsLimit), not per container; same as deploy.resources.limits.pids (both with different values is an error, as in compose)."),
  i(`${S}platform`, "The cluster's node architecture decides; build for it."),
  t(`${S}ports`, "Service ports; the engine's port-forward", "The container port becomes a ClusterIP Service port (other services reach target, as in Compose); the engine forwards the published host port (on 127.0.0.1, or host_ip when one other than 0.0.0.0 is given) to a ready pod (else a running one, else one whose bind-mounted tree devloop has just put in: its app is starting, and a connection is refused until it listens). Unlike Docker, a connection made while the service's pod is still on its way (scheduled and starting, or waiting for its bind-mounted tree) is held until that pod is there, up to 60 s, instead of being refused, so a browser opened right after up loads once the app runs; with no pod coming (none, or one that cannot start, such as ImagePullBackOff) it is refused at once. A port without a host port (\"80\") is published as Docker does, on a free local port the engine picks; devloop status and the dashboard show which; it stays while the daemon runs, and a restarted daemon takes the same port again when it is still free. Unlike Docker, a forward in use keeps a connection to the container opened ahead (one, up to 4 while connections come faster, each closed after 10 s unused, none while the client keeps reusing a connection, none once the forward is idle for 2 min), so a new local connection does not wait for the apiserver; the server sees it as an idle connection, and one that speaks first (a greeting) gets none."),
  t(`${S}post_start`, `${C}.lifecycle.postStart.exec`, "The command runs after the container starts, as in Compose. Several hooks run in order as one /bin/sh -c command; a hook's user, privileged, working_dir and environment cannot be set on a Kubernetes hook and are dropped with a warning."),
  i(`${S}pre_start`, "Not run: Kubernetes has no hook that runs in a container before its process starts; put the step in the command or an entrypoint script."),
  t(`${S}pre_stop`, `${C}.lifecycle.preStop.exec`, "The command runs before the container is sent SIGTERM, as in Compose. Several hooks run in order as one /bin/sh -c command; a hook's user, privileged, working_dir and environment are dropped with a warning."),
  t(`${S}privileged`, `${C}.securityContext.privileged`, ""),
  t(`${S}profiles`, "(loader)", "Disabled services are not rendered."),
  i(`${S}provider`, "Not run: a provider plugin creates the service outside the container engine (compose-spec provider), and devloop has no provider plugins; nothing is rendered for it and services that depend on it start without waiting."),
  t(`${S}pull_policy`, `${C}.imagePullPolicy`, "always → Always, never → Never, missing/if_not_present/build → IfNotPresent; refresh, daily, weekly and every_<duration> → IfNotPresent (the kubelet keeps no image age to refresh by)."),
  i(`${S}pull_refresh_after`, "The cluster pulls by imagePullPolicy."),
  t(`${S}read_only`, `${C}.securityContext.readOnlyRootFilesystem`, ""),
  t(`${S}restart`, "Job restartPolicy / Deployment", "A Job: \"no\" → restartPolicy Never, backoffLimit 0; on-failure[:n] → OnFailure, backoffLimit n (default 6). A Deployment always restarts its pods; \"no\" and on-failure are noted as partial."),
  i(`${S}runtime`, "Use a RuntimeClass in Kubernetes."),
  t(`${S}scale`, "spec.replicas", "Same as deploy.replicas."),
  t(`${S}secrets`, `Secret, ${C}.volumeMounts (subPath)`, "Mounted read-only at the target (default /run/secrets/<name>); never put in env; mode → items[].mode; uid/gid are ignored with a warning."),
  i(`${S}security_opt`, "Use securityContext through a template."),
  t(`${S}shm_size`, "emptyDir { medium: Memory, sizeLimit } at /dev/shm", "A pod's /dev/shm is 64 MiB as under Docker; a volume or tmpfs the service mounts at /dev/shm itself wins."),
  t(`${S}stdin_open`, `${C}.stdin`, ""),
  t(`${S}stop_grace_period`, "spec.template.spec.terminationGracePeriodSeconds", "Rounded up to whole seconds."),
  i(`${S}stop_signal`, "Kubernetes sends SIGTERM (per-container stop signals, the ContainerStopSignals feature of recent Kubernetes, are not used); handle SIGTERM in the program or send the signal from a pre_stop hook."),
  i(`${S}storage_opt`, "No Kubernetes equivalent."),
  t(`${S}sysctls`, "spec.template.spec.securityContext.sysctls", "Pod-wide in Kubernetes. Only the safe set every Kubernetes from 1.20 allows (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range); others would make the kubelet refuse the pod and are left out with a warning."),
  t(`${S}tmpfs`, "emptyDir { medium: Memory, sizeLimit }", ""),
  t(`${S}tty`, `${C}.tty`, ""),
  i(`${S}ulimits`, "Kubernetes has no per-container rlimits; they come from the container runtime's defaults."),
  i(`${S}use_api_socket`, "The Docker socket is not available in the cluster."),
  t(`${S}user`, `${C}.securityContext.runAsUser / runAsGroup`, "Numeric uid[:gid] only; a user name cannot be resolved outside the image and is ignored with a warning."),
  i(`${S}userns_mode`, "No Kubernetes equivalent."),
  i(`${S}uts`, "No Kubernetes equivalent."),
  t(`${S}volumes`, `volumes, ${C}.volumeMounts, initContainers[devloop-seed, devloop-bind]`, "Named volume → PersistentVolumeClaim seeded once from the image; anonymous volume → emptyDir seeded from the image (not with nocopy); tmpfs → emptyDir Memory; a bind mount of a directory → emptyDir filled by devloop before the process starts (the app container waits for it where its command is known at apply, else the devloop-bind init container), then live-synced both ways (not back with :ro); a bind mount of a file → the <service>-files Secret, mounted with subPath (an edit rolls the pods); never hostPath unless x-devloop.hostPath lists the target. Every form: see Volume forms."),
  t(`${S}volumes_from`, "sidecar container in the pod of <name>, containers[<service>].volumeMounts", "<name>, <name>:ro, <name>:rw and container:<name> put the container into that service's pod (Kubernetes shares volumes within a pod) and mount that service's compose volumes — named (the same claim), anonymous, bind (the same synced directory) — at the same paths, read-only with :ro, so both see the same data as under Docker; what that service got through volumes_from is passed on. It also shares that pod's network. Sources in two different pods are an error (DL-TRANSLATE-023)."),
  t(`${S}working_dir`, `${C}.workingDir`, ""),
  t(`${S}x-devloop`, "(translate, engine)", "x-devloop.kind: job | deployment forces the workload kind; x-devloop.hostPath: [targets] keeps those bind mounts as hostPath; x-devloop.compile: { preset, image, command, workdir, output, target, cache, env, source } compiles in a compiler container and copies the artifact to target (its directory is a seeded emptyDir; the process restarts under the supervisor)."),
];

/** Sub-keys that are partly supported, warned about when present. */
export const subKeySupport: readonly SupportEntry[] = [
  t(`${S}deploy.placement`, "spec.template.spec.nodeSelector, spec.template.spec.affinity.nodeAffinity", "constraints on node.hostname (→ kubernetes.io/hostname), node.labels.<key>, node.platform.os (→ kubernetes.io/os) and node.platform.arch (→ kubernetes.io/arch): == → nodeSelector, != → a required node-affinity NotIn term; all must hold, as in Swarm. A pod no node matches stays Pending and its service is failed with the scheduler's reason (up --detach exits 1 at once). node.id, node.role and engine.labels.* constraints, preferences (spread) and max_replicas_per_node are not translated (warning DL-TRANSLATE-027)."),
  i(`${S}deploy.update_config`, "Deployments use their own rollout strategy (see the Deployment template)."),
  i(`${S}deploy.rollback_config`, "Not translated."),
  i(`${S}deploy.endpoint_mode`, "Services are always ClusterIP."),
  t(`${S}deploy.mode`, "DaemonSet (global), Deployment (replicated), Job (replicated-job)", "global → a DaemonSet: one pod per node that matches the placement (replicas are not used, warned when set); replicated is the default; replicated-job → a Job; global-job → one Job (warning)."),
  i(`${S}deploy.resources.limits.pids`, "Set per node in Kubernetes."),
  i(`${S}deploy.resources.reservations.devices`, "Needs a device plugin in Kubernetes."),
  i(`${S}healthcheck.start_interval`, "Kubernetes probes have one period."),
];

const B = `${S}build.`;
/** What the BuildKit build does with it (kubernetes column of a build key): the docker build flag. */
const api = (flag: string): string => `image build (BuildKit ${flag})`;
const NOT_PASSED = "Not passed to the build: devloop builds with BuildKit through the Docker CLI (docs/build.md), and on Debian's docker 20.10 CLI (the bed's) there is no flag for";

/** services.*.build.<key>: used by devloop's image build (build/build-request.ts), or ignored with a warning. */
export const buildSupport: readonly SupportEntry[] = [
  t(`${B}additional_contexts`, api("--build-context"), "Directories (relative to the project directory) and docker-image:// references; with the buildx plugin they go to --build-context as they are, with Docker 20.10's CLI a directory becomes a content-hash image and the Dockerfile's FROM / COPY --from / RUN --mount from= of the name are rewritten to it (git and https contexts need buildx). Their content is part of the content-hash tag."),
  t(`${B}args`, api("--build-arg"), "A bare name takes its value from the environment; part of the content-hash tag."),
  t(`${B}cache_from`, api("--cache-from"), "Images or cache sources whose layers the build may reuse; not part of the content-hash tag."),
  t(`${B}cache_to`, api("--cache-to"), "With the buildx plugin, --cache-to as written; Docker 20.10's CLI has no cache export, so a value other than type=inline is noted in the build log and the layer cache stays in the engine (where it persists across devloop restarts). Not part of the content-hash tag."),
  t(`${B}context`, api("context"), "A directory; BuildKit receives the files .dockerignore (or <Dockerfile>.dockerignore) leaves in, by Docker's own matching rules, and exactly those files are part of the content-hash tag."),
  t(`${B}dockerfile`, api("-f"), "Relative to the context, and inside it. Heredocs (RUN <<EOF, COPY/ADD <<EOF, <<-EOF, quoted delimiters) build on Docker 20.10 too, whose Dockerfile frontend has none: devloop rewrites them before the build (COPY from a content-hash image of the heredoc files, RUN with the script as the shell's argument; build.md); a # syntax= image the engine cannot get is left out then."),
  t(`${B}dockerfile_inline`, api("-f -"), "Sent on the CLI's stdin; dockerfile is then ignored; part of the content-hash tag. Heredocs as in dockerfile."),
  i(`${B}entitlements`, `${NOT_PASSED} entitlements (network.host, security.insecure); steps that need them fail.`),
  t(`${B}extra_hosts`, api("--add-host"), "Added to /etc/hosts of the RUN steps; part of the content-hash tag."),
  i(`${B}isolation`, "Windows only (process / hyperv); Linux engines have one isolation."),
  t(`${B}labels`, api("--label"), "Set on the image (devloop adds dev.devloop.service); part of the content-hash tag."),
  t(`${B}network`, api("--network"), "The RUN steps' network (host, none or a network name); part of the content-hash tag."),
  t(`${B}no_cache`, api("--no-cache"), "A build that runs uses no layer cache. Part of the content-hash tag, so turning it on builds once for real; unchanged inputs then skip the build again, as `docker compose up` does not rebuild an image it has (docker rmi the dl- tag to force one)."),
  i(`${B}no_cache_filter`, `${NOT_PASSED} --no-cache-filter; the listed stages build with the layer cache like the others.`),
  t(`${B}platforms`, api("--platform"), "One entry is the platform built (a local cluster runs one platform), so a list of several is ignored with a warning and the engine's own platform is built. Part of the content-hash tag."),
  i(`${B}privileged`, `${NOT_PASSED} privileged RUN steps (BuildKit's security.insecure); steps that need it fail.`),
  i(`${B}provenance`, `${NOT_PASSED} attestations; the image carries none (a local image store keeps no attestations either).`),
  t(`${B}pull`, api("--pull"), "A build that runs pulls its FROM images first (a local-only base image then fails the build). Part of the content-hash tag, as no_cache."),
  i(`${B}sbom`, `${NOT_PASSED} attestations; the image carries no SBOM.`),
  t(`${B}secrets`, api("--secret"), "Each name is a top-level secret: file: is passed as src=, environment: is read from the daemon's environment at build time into a private temporary file (removed after the build). The value reaches only the RUN --mount=type=secret steps: never the image, its history, the build log (masked), the daemon's state or the dashboard. Secret ids (not values) are part of the content-hash tag; as in BuildKit, a changed value does not rebuild."),
  t(`${B}shm_size`, api("--shm-size"), "/dev/shm of the RUN steps with the buildx plugin; Docker 20.10's BuildKit keeps 64 MiB and the build log says so. Part of the content-hash tag."),
  t(`${B}ssh`, api("--ssh"), "default forwards the daemon's SSH_AUTH_SOCK agent, id=path[,path] forwards keys, to RUN --mount=type=ssh steps. Ids are part of the content-hash tag."),
  t(`${B}tags`, "image tags", "More names for the built image, tagged in the local engine after the build (or skip); image delivery pushes only the content-hash tag. Not part of the content-hash tag."),
  t(`${B}target`, api("--target"), "Part of the content-hash tag."),
  t(`${B}ulimits`, api("--ulimit"), "Limits of the RUN steps (a number sets soft and hard) with the buildx plugin; Docker 20.10's BuildKit keeps the engine's defaults and the build log says so. Part of the content-hash tag."),
];

export const allSupport: readonly SupportEntry[] = [...topLevelSupport, ...serviceSupport, ...subKeySupport, ...buildSupport];

/** Look up the entry for a concrete key path ("services.web.dns" → services.*.dns). */
const byKey = new Map(allSupport.map((e) => [e.key, e]));

export const supportFor = (path: string): SupportEntry | undefined => byKey.get(path.replace(/^services\.[^.]+\./, S));
