# shellcheck shell=bash
# local-cluster.d/packages.sh — the Debian packages the bed needs, and the apt mirror that debootstrap and deb-src use
# (docs/local-cluster.md, step 1).

DEBIAN_PACKAGES=(docker.io jq socat conntrack rsync debootstrap etcd-server golang-go dnsmasq-base openssl iptables
  gcc libc6-dev make iproute2 procps ca-certificates curl e2fsprogs util-linux)

mirror_uri() {
  local uri=""
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z $uri && -f /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" && $0 ~ /bookworm/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)
  fi
  printf '%s' "${uri:-http://deb.debian.org/debian}"
}

ensure_packages() {
  step "packages: checking Debian packages" "$LOGS/apt.log"
  local missing=() p installed
  installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${DEBIAN_PACKAGES[@]}" 2>/dev/null | awk '/install ok installed/ {print $1}' || true)
  for p in "${DEBIAN_PACKAGES[@]}"; do
    grep -qx -- "$p" <<<"$installed" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  step "packages: installing ${missing[*]}" "$LOGS/apt.log"
  # Written first, so that if the package starts dockerd it already uses the oom-clamping runtime.
  ensure_docker_config
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >>"$LOGS/apt.log" 2>&1
  apt-get install -y --no-install-recommends "${missing[@]}" >>"$LOGS/apt.log" 2>&1
}
