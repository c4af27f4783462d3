# shellcheck shell=bash
# local-cluster.d/kube-proxy.sh — kube-proxy in iptables mode, the host's one proxy for both nodes
# (docs/local-cluster.md, step 7).

start_kube_proxy() {
  local bip=$1 node
  node=$(node_name)
  step "kube-proxy: starting (iptables mode)" "$LOGS/kube-proxy.log"
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || modprobe br_netfilter 2>/dev/null || true
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 || true
  sysctl -qw net.ipv4.ip_forward=1 || true
  start kube-proxy "$BIN/kube-proxy" \
    --kubeconfig="$STATE/admin.kubeconfig" --hostname-override="$node" --bind-address="$bip" \
    --proxy-mode=iptables --oom-score-adj=0 --conntrack-max-per-core=0 \
    --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0 \
    --metrics-bind-address=127.0.0.1:10249 --healthz-bind-address=127.0.0.1:10256
}
