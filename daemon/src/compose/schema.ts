/**
 * The keys Compose allows, by path pattern ("services.*" = any service). validate.ts walks the merged tree with
 * this table; a key not listed (and not x-*) is an error naming the nearest listed key. Patterns ending in
 * "[]" are list items. Free-form mappings (environment, labels, driver_opts …) have no entry and are not checked.
 */

const keys = (...k: string[]): ReadonlySet<string> => new Set(k);

const resources = keys("cpus", "memory", "pids", "devices", "generic_resources");
const updateConfig = keys("parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order");

export const SCHEMA: Readonly<Record<string, ReadonlySet<string>>> = {
  "": keys("version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models"),
  "services.*": keys(
    "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command", "configs",
    "container_name", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares",
    "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt",
    "dns_search", "domainname", "entrypoint", "env_file", "environment", "expose", "extends", "external_links", "extra_hosts",
    "gpus", "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "label_file", "labels", "links",
    "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit", "models", "network_mode",
    "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start", "pre_start", "pre_stop",
    "privileged", "profiles", "provider", "pull_policy", "pull_refresh_after", "read_only", "restart", "runtime", "scale",
    "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs",
    "tty", "ulimits", "use_api_socket", "user", "userns_mode", "uts", "volumes", "volumes_from", "working_dir",
  ),
  "services.*.build": keys(
    "context", "dockerfile", "dockerfile_inline", "args", "ssh", "cache_from", "cache_to", "additional_contexts", "entitlements",
    "extra_hosts", "isolation", "labels", "network", "no_cache", "no_cache_filter", "platforms", "privileged", "pull", "secrets", "shm_size", "tags",
    "target", "ulimits", "provenance", "sbom",
  ),
  "services.*.healthcheck": keys("test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"),
  "services.*.deploy": keys("mode", "replicas", "labels", "endpoint_mode", "resources", "restart_policy", "update_config", "rollback_config", "placement"),
  "services.*.deploy.resources": keys("limits", "reservations"),
  "services.*.deploy.resources.limits": resources,
  "services.*.deploy.resources.reservations": resources,
  "services.*.deploy.restart_policy": keys("condition", "delay", "max_attempts", "window"),
  "services.*.deploy.update_config": updateConfig,
  "services.*.deploy.rollback_config": updateConfig,
  "services.*.deploy.placement": keys("constraints", "preferences", "max_replicas_per_node"),
  "services.*.depends_on.*": keys("condition", "required", "restart"),
  "services.*.ports[]": keys("name", "target", "published", "host_ip", "protocol", "app_protocol", "mode"),
  "services.*.volumes[]": keys("type", "source", "target", "read_only", "consistency", "bind", "volume", "tmpfs", "image"),
  "services.*.volumes[].bind": keys("propagation", "create_host_path", "selinux", "recursive"),
  "services.*.volumes[].volume": keys("nocopy", "subpath", "labels"),
  "services.*.volumes[].tmpfs": keys("size", "mode"),
  "services.*.develop": keys("watch"),
  "services.*.develop.watch[]": keys("action", "path", "target", "ignore", "include", "initial_sync", "exec"),
  "services.*.develop.watch[].exec": keys("command", "user", "working_dir", "privileged", "environment"),
  "services.*.post_start[]": keys("command", "user", "privileged", "working_dir", "environment"),
  "services.*.pre_stop[]": keys("command", "user", "privileged", "working_dir", "environment"),
  "services.*.pre_start[]": keys("command", "user", "privileged", "working_dir", "environment"),
  "services.*.secrets[]": keys("source", "target", "uid", "gid", "mode"),
  "services.*.configs[]": keys("source", "target", "uid", "gid", "mode"),
  "services.*.env_file[]": keys("path", "required", "format"),
  "services.*.extends": keys("service", "file"),
  "services.*.logging": keys("driver", "options"),
  "services.*.networks.*": keys("aliases", "ipv4_address", "ipv6_address", "link_local_ips", "mac_address", "driver_opts", "priority", "gw_priority", "interface_name"),
  "volumes.*": keys("name", "driver", "driver_opts", "external", "labels"),
  "networks.*": keys("name", "driver", "driver_opts", "external", "internal", "attachable", "enable_ipv4", "enable_ipv6", "ipam", "labels"),
  "secrets.*": keys("name", "file", "environment", "external", "labels", "driver", "driver_opts", "template_driver"),
  "configs.*": keys("name", "file", "environment", "content", "external", "labels", "driver", "driver_opts", "template_driver"),
  "include[]": keys("path", "project_directory", "env_file"),
};

/** Mappings whose keys are user-chosen names. */
export const NAMED_MAPPINGS: ReadonlySet<string> = new Set(["services", "volumes", "networks", "secrets", "configs", "services.*.depends_on", "services.*.networks"]);

/** Every pattern that has a table entry or an entry below it, so the walker can skip everything else. */
export const SCHEMA_PREFIXES: ReadonlySet<string> = (() => {
  const out = new Set<string>();
  for (const pattern of Object.keys(SCHEMA)) {
    let p = pattern;
    out.add(p);
    while (p !== "") {
      p = p.endsWith("[]") ? p.slice(0, -2) : p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "";
      out.add(p);
    }
  }
  return out;
})();
