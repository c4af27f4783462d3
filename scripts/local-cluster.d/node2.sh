# shellcheck shell=bash
# local-cluster.d/node2.sh — node 2 of `up --nodes 2`: its network (bridge, forwarding), its own Docker engine in its
# own mount namespace, its kubelet, and stopping it all again with node 1 untouched (docs/local-cluster.md, "Two
# nodes and a registry").

# Node 2 (`up --nodes 2`): its own dockerd (data-root, exec-root, socket, bridge) and kubelet (root-dir, ports,
# cgroup root, dockershim socket), both in one mount namespace that gives them their own /var/log/pods (a
# kubelet deletes every pod log directory there that is not one of its pods). See docs/local-cluster.md.
NODE2_STATE=$STATE/node2
NODE2_RUN=/var/run/devloop-node2
NODE2_BRIDGE=devloop-node2
NODE2_GATEWAY=172.28.0.1
NODE2_CIDR=172.28.0.0/16
NODE2_KUBELET_PORT=10350
NODE2_HEALTHZ_PORT=10348
NODE2_CGROUP=devloop-node2
# Unconstrained pods stay on node 1 (whose engine has the images built there); a pod goes to node 2 only when it
# tolerates this taint and asks for the node (placement constraint node.hostname == <node 2>).
NODE2_TAINT_KEY=devloop.dev/node2
NODE2_TAINT=$NODE2_TAINT_KEY=true:NoSchedule
NODE2_COMPONENTS=(docker-registry dockerd-node2 kubelet-node2)

node2_name() { printf '%s-node2' "$(node_name)"; }
docker2() { docker -H "unix://$NODE2_RUN/docker.sock" "$@"; }
docker2_ok() { docker2 info >/dev/null 2>&1; }
cidr_of() { ip -4 -o addr show dev "$1" 2>/dev/null | awk '{print $4; exit}'; }

# The bridge, and forwarding between it and docker0 (both are on this host, so the kernel routes between them;
# docker0's FORWARD policy is DROP and its masquerade rule would rewrite pod addresses). Idempotent: own chains,
# flushed and refilled, one jump each.
ensure_node2_network() {
  step "node2 network: bridge $NODE2_BRIDGE $NODE2_GATEWAY, forwarding to and from docker0"
  if ! ip link show "$NODE2_BRIDGE" >/dev/null 2>&1; then ip link add "$NODE2_BRIDGE" type bridge; fi
  if ! ip -4 -o addr show dev "$NODE2_BRIDGE" | grep -q " $NODE2_GATEWAY/"; then
    ip addr add "$NODE2_GATEWAY/${NODE2_CIDR#*/}" dev "$NODE2_BRIDGE"
  fi
  ip link set "$NODE2_BRIDGE" up
  local node1_cidr
  node1_cidr=$(cidr_of docker0)
  [[ -n $node1_cidr ]] || fail "docker0 has no IPv4 address"
  iptables -N DEVLOOP-NODE2 2>/dev/null || iptables -F DEVLOOP-NODE2
  iptables -A DEVLOOP-NODE2 -i "$NODE2_BRIDGE" -j ACCEPT
  iptables -A DEVLOOP-NODE2 -o "$NODE2_BRIDGE" -j ACCEPT
  iptables -C FORWARD -j DEVLOOP-NODE2 2>/dev/null || iptables -A FORWARD -j DEVLOOP-NODE2
  iptables -t nat -N DEVLOOP-NODE2 2>/dev/null || iptables -t nat -F DEVLOOP-NODE2
  # Pod to pod across the nodes keeps its source address; node 2's pods reach the outside masqueraded.
  iptables -t nat -A DEVLOOP-NODE2 -s "$node1_cidr" -d "$NODE2_CIDR" -j ACCEPT
  iptables -t nat -A DEVLOOP-NODE2 -s "$NODE2_CIDR" -d "$node1_cidr" -j ACCEPT
  iptables -t nat -A DEVLOOP-NODE2 -s "$NODE2_CIDR" ! -o "$NODE2_BRIDGE" -j MASQUERADE
  iptables -t nat -C POSTROUTING -j DEVLOOP-NODE2 2>/dev/null || iptables -t nat -I POSTROUTING 1 -j DEVLOOP-NODE2
}

remove_node2_network() {
  iptables -D FORWARD -j DEVLOOP-NODE2 2>/dev/null || true
  if iptables -F DEVLOOP-NODE2 2>/dev/null; then iptables -X DEVLOOP-NODE2 2>/dev/null || true; fi
  iptables -t nat -D POSTROUTING -j DEVLOOP-NODE2 2>/dev/null || true
  if iptables -t nat -F DEVLOOP-NODE2 2>/dev/null; then iptables -t nat -X DEVLOOP-NODE2 2>/dev/null || true; fi
  if ip link show "$NODE2_BRIDGE" >/dev/null 2>&1; then ip link delete "$NODE2_BRIDGE" || true; fi
}

# Node 2's dockerd: its own data-root (so nothing built on node 1's engine is here), exec-root (its own
# containerd), socket, bridge; no iptables (node 1's engine owns those chains; ensure_node2_network adds the rules
# node 2 needs). It runs in a new mount namespace where /var/log/pods and /var/log/containers are node 2's own
# directories; kubelet-node2 joins that namespace, so the mounts it makes (secrets, tokens) are the ones its
# containers see.
ensure_node2_docker() {
  step "dockerd-node2: starting (socket $NODE2_RUN/docker.sock, data-root $NODE2_STATE/docker)" "$LOGS/dockerd-node2.log"
  mkdir -p "$NODE2_STATE/docker" "$NODE2_STATE/log-pods" "$NODE2_STATE/log-containers" "$NODE2_RUN" /var/log/pods /var/log/containers
  local want='{"runtimes":{"'$RUNTIME_NAME'":{"path":"'$RUNTIME_WRAPPER'"}},"default-runtime":"'$RUNTIME_NAME'"}'
  printf '%s\n' "$want" >"$NODE2_STATE/daemon.json"
  # shellcheck disable=SC2016 # $1 and $2 are the inner sh's arguments (node 2's log directories)
  local LAUNCH_PREFIX=(unshare --mount --propagation slave -- sh -c \
    'mount --bind "$1" /var/log/pods && mount --bind "$2" /var/log/containers && shift 2 && exec "$@"' \
    sh "$NODE2_STATE/log-pods" "$NODE2_STATE/log-containers")
  running dockerd-node2 || clear_stale_pidfiles "$NODE2_RUN/docker" "$NODE2_RUN/docker.pid"
  start dockerd-node2 dockerd --config-file="$NODE2_STATE/daemon.json" \
    --data-root="$NODE2_STATE/docker" --exec-root="$NODE2_RUN/docker" \
    -H "unix://$NODE2_RUN/docker.sock" --pidfile="$NODE2_RUN/docker.pid" \
    --bridge="$NODE2_BRIDGE" --iptables=false --ip-masq=false --userland-proxy=false \
    --containerd-namespace=devloop-node2 --containerd-plugins-namespace=devloop-node2-plugins
  wait_until 60 "dockerd-node2 to answer" docker2_ok
  expect_alive dockerd-node2
  if ! docker2 image inspect "$PAUSE_IMAGE" >/dev/null 2>&1; then
    step "dockerd-node2: loading $PAUSE_IMAGE from node 1's engine" "$LOGS/dockerd-node2.log"
    docker save "$PAUSE_IMAGE" | docker2 load >>"$LOGS/dockerd-node2.log" 2>&1
  fi
}

# A cgroup root of its own in every v1 hierarchy: a kubelet kills the processes of pod cgroups under its root
# that are not its pods.
ensure_node2_cgroups() {
  local h
  for h in /sys/fs/cgroup/*/; do
    [[ -f $h/cgroup.procs && ${h%/} != */unified ]] || continue
    mkdir -p "$h$NODE2_CGROUP"
    if [[ -f $h/cpuset.cpus && -z $(tr -d '\n' <"$h$NODE2_CGROUP/cpuset.cpus") ]]; then
      cat "$h/cpuset.cpus" >"$h$NODE2_CGROUP/cpuset.cpus"
      cat "$h/cpuset.mems" >"$h$NODE2_CGROUP/cpuset.mems"
    fi
  done
}

node2_registered() { kubectl_admin get node "$(node2_name)" >/dev/null 2>&1; }

node2_ready() {
  [[ $(kubectl_admin get node "$(node2_name)" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

ensure_node2_kubelet() {
  local node2
  node2=$(node2_name)
  cert node2 "/O=system:nodes/CN=system:node:$node2"
  kubeconfig "$NODE2_STATE/kubelet.kubeconfig" node2 "https://127.0.0.1:6443"
  ensure_node2_cgroups
  step "kubelet-node2: starting $node2 (dockershim on dockerd-node2, port $NODE2_KUBELET_PORT)" "$LOGS/kubelet-node2.log"
  mkdir -p "$NODE2_STATE/kubelet" "$NODE2_STATE/dockershim"
  {
    kubelet_config "$(bridge_ip)"
    printf 'port: %s\nhealthzPort: %s\ncgroupRoot: /%s\n' "$NODE2_KUBELET_PORT" "$NODE2_HEALTHZ_PORT" "$NODE2_CGROUP"
  } >"$NODE2_STATE/kubelet-config.yaml"
  if ! running kubelet-node2 && ! node2_registered; then
    # A new node 2 (first start, or after down or a new session): no pods of an earlier one.
    remove_pod_containers docker2
    rm -rf "$NODE2_STATE/kubelet/pods" "${NODE2_STATE:?}"/log-pods/* "${NODE2_STATE:?}"/log-containers/*
  fi
  local docker_pid
  docker_pid=$(pid_of dockerd-node2)
  local LAUNCH_PREFIX=(nsenter "--mount=/proc/$docker_pid/ns/mnt" --)
  # A kubelet left from an earlier dockerd-node2 lives in that engine's mount namespace: start it again.
  if running kubelet-node2 && [[ $(readlink "/proc/$(pid_of kubelet-node2)/ns/mnt") != $(readlink "/proc/$docker_pid/ns/mnt") ]]; then
    stop kubelet-node2
  fi
  start kubelet-node2 "$BIN/kubelet" \
    --config="$NODE2_STATE/kubelet-config.yaml" --kubeconfig="$NODE2_STATE/kubelet.kubeconfig" \
    --root-dir="$NODE2_STATE/kubelet" --cert-dir="$NODE2_STATE/kubelet/pki" \
    --container-runtime=docker --pod-infra-container-image="$PAUSE_IMAGE" \
    --docker-endpoint="unix://$NODE2_RUN/docker.sock" \
    --container-runtime-endpoint="unix://$NODE2_RUN/dockershim.sock" \
    --experimental-dockershim-root-directory="$NODE2_STATE/dockershim" \
    --hostname-override="$node2" --node-ip="$NODE2_GATEWAY" \
    --register-with-taints="$NODE2_TAINT" --node-labels=devloop.dev/bed-node=2
  step "kubelet-node2: waiting for node $node2 to be Ready" "$LOGS/kubelet-node2.log"
  wait_until 120 "node $node2 Ready" node2_ready
  expect_alive kubelet-node2
}

node2_all_up() {
  local c
  for c in "${NODE2_COMPONENTS[@]}"; do running "$c" || return 1; done
  iptables -C FORWARD -j DEVLOOP-NODE2 2>/dev/null || return 1
  registry_ok || return 1
  node2_ready
}

# Node 2 and the registry, stopped and removed (its pods' containers first, while its engine still answers; its Node
# object while the apiserver does). Node 1 is not touched.
stop_node2() {
  local i
  stop kubelet-node2
  if running dockerd-node2; then remove_pod_containers docker2; fi
  for ((i = ${#NODE2_COMPONENTS[@]} - 1; i >= 0; i--)); do stop "${NODE2_COMPONENTS[$i]}"; done
  remove_node2_network
  if [[ -x $BIN/kubectl && -f $STATE/admin.kubeconfig ]] && running kube-apiserver; then
    kubectl_admin delete node "$(node2_name)" --ignore-not-found >/dev/null 2>&1 || true
  fi
}

ensure_node2() {
  ensure_registry
  ensure_node2_network
  # Before dockerd-node2: the mount namespace it starts (and kubelet-node2 joins) copies the host's mounts.
  if ! running kubelet-node2; then ensure_node_fs "$NODE2_STATE/kubelet"; fi
  ensure_node2_docker
  ensure_node2_kubelet
}
