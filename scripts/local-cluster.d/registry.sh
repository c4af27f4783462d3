# shellcheck shell=bash
# local-cluster.d/registry.sh — the image registry of `up --nodes 2`: Debian's docker-registry on 127.0.0.1:5000,
# filesystem storage kept across `down` (docs/local-cluster.md, "Two nodes and a registry").

REGISTRY_ADDR=127.0.0.1:5000
REGISTRY_STATE=$STATE/registry

# Debian's docker-registry; its maintainer scripts would start the packaged service (0.0.0.0:5000, the package's
# config): a policy-rc.d that refuses service starts is in place during the install when the machine has none.
ensure_registry_package() {
  command -v docker-registry >/dev/null 2>&1 && return 0
  step "packages: installing docker-registry" "$LOGS/apt.log"
  local policy=/usr/sbin/policy-rc.d ours=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# devloop local-cluster: no service starts during its apt-get install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    ours=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends docker-registry >>"$LOGS/apt.log" 2>&1; then
    apt-get update >>"$LOGS/apt.log" 2>&1
    apt-get install -y --no-install-recommends docker-registry >>"$LOGS/apt.log" 2>&1
  fi
  if ((ours == 1)); then rm -f "$policy"; fi
}

registry_ok() { curl -fsS --max-time 2 "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1; }

ensure_registry() {
  ensure_registry_package
  step "registry: docker-registry on $REGISTRY_ADDR (storage $REGISTRY_STATE/data)" "$LOGS/docker-registry.log"
  mkdir -p "$REGISTRY_STATE/data"
  cat >"$REGISTRY_STATE/config.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog: {disabled: true}
storage:
  filesystem: {rootdirectory: $REGISTRY_STATE/data}
  delete: {enabled: true}
  cache: {blobdescriptor: inmemory}
http:
  addr: $REGISTRY_ADDR
  headers:
    X-Content-Type-Options: [nosniff]
YAML
  if ! running docker-registry && registry_ok; then
    fail "something not started by this script already answers on $REGISTRY_ADDR (hint: the docker-registry package's own service: /etc/init.d/docker-registry stop)"
  fi
  start docker-registry docker-registry serve "$REGISTRY_STATE/config.yml"
  wait_until 30 "the registry at http://$REGISTRY_ADDR/v2/" registry_ok
  expect_alive docker-registry
}
