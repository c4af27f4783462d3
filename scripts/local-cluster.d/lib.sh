# shellcheck shell=bash
# local-cluster.d/lib.sh — the shared library of scripts/local-cluster (sourced first; the entry point sets REPO
# and LC_DIR): paths and caches keyed by version, the base-image tags, the component list, logging and failure
# reporting (`step`, `fail`, the ERR trap), waiting, the admin kubectl, and the one-at-a-time lock.

K8S_VERSION=1.20.2
STATE=${DEVLOOP_CLUSTER_STATE:-/var/lib/devloop/cluster}
CACHE=${DEVLOOP_CACHE:-/var/cache/devloop}
BIN=$CACHE/k8s-v$K8S_VERSION/bin
SRC_DIR=$CACHE/src
BUILD_DIR=$SRC_DIR/build/kubernetes-$K8S_VERSION
IMAGES_CACHE=$CACHE/images
PKI=$STATE/pki
LOGS=$STATE/logs
RUN=$STATE/run

PAUSE_IMAGE=k8s.gcr.io/pause:3.2
NODE_IMAGE=devloop/node:18-bookworm
GO_IMAGE=devloop/go:1.19-bookworm
RUNTIME_IMAGE=devloop/runtime:bookworm
REDIS_IMAGE=devloop/redis:7-bookworm
PYTHON_IMAGE=devloop/python:3.11-bookworm
# Start order; `down` walks it backwards.
COMPONENTS=(dockerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy dnsmasq dns-watcher hostpath-perms)

CURRENT_STEP=""
CURRENT_LOG=""

say() { printf 'local-cluster [%4ss] %s\n' "$SECONDS" "$*" >&2; }
verbose() { if [[ ${DEVLOOP_CLUSTER_VERBOSE:-} == 1 ]]; then say "$@"; fi; }

# step NAME [LOG]: names the step a failure is reported against, and the log whose tail is shown.
step() {
  CURRENT_STEP=$1
  CURRENT_LOG=${2:-}
  say "$1"
}

fail() {
  local msg=$1
  trap - ERR
  say "FAILED at step '$CURRENT_STEP': $msg"
  # In a subshell (e.g. the background image build) the message is enough: the parent prints the log tail.
  if ((BASH_SUBSHELL == 0)) && [[ -n $CURRENT_LOG && -f $CURRENT_LOG ]]; then
    printf '%s\n' "----- last 40 lines of $CURRENT_LOG -----" >&2
    tail -n 40 "$CURRENT_LOG" >&2
    printf '%s\n' "-----" >&2
  fi
  exit 1
}
# The file and line of the failing command: the functions live in several files under local-cluster.d/.
trap 'fail "exit $? at ${BASH_SOURCE[0]##*/}:$LINENO: ${BASH_COMMAND:0:120}"' ERR

need_root() {
  if [[ $(id -u) -ne 0 ]]; then
    say "must run as root (it starts dockerd, the kubelet and kube-proxy)"
    exit 1
  fi
}

kubectl_admin() { "$BIN/kubectl" --kubeconfig "$STATE/admin.kubeconfig" --request-timeout=10s "$@"; }

# wait_until SECONDS DESCRIPTION CMD...: polls every 0.5 s.
wait_until() {
  local timeout=$1 what=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then fail "timed out after ${timeout}s waiting for $what"; fi
    sleep 0.5
  done
}

healthz() { curl -fsk --max-time 2 "$@"; }

node_name() { hostname | tr '[:upper:]' '[:lower:]'; }

# One `up`/`down`/`images` at a time (CI and a person may overlap).
take_lock() {
  mkdir -p "$STATE" "$LOGS" "$RUN" "$CACHE"
  exec 9>"$STATE/.lock"
  if ! flock -n 9; then
    say "another local-cluster up/down is running; waiting for it"
    flock 9
  fi
}
