# shellcheck shell=bash
# local-cluster.d/dns.sh — cluster DNS: dnsmasq on the bridge IP answering cluster.local from a hosts file, and the
# dns-watcher (scripts/cluster-dns-watcher.ts, run by node through tsx) that keeps that file in step with the
# cluster's Services and SIGHUPs dnsmasq (docs/local-cluster.md, step 8).

# Part of the watcher's command line, so that `start` restarts a watcher running older code.
dns_watcher_code_hash() { cat "$REPO"/scripts/cluster-dns-*.ts | sha256sum | cut -c1-16; }

start_dnsmasq() {
  local bip=$1
  mkdir -p "$STATE/dns"
  chmod 755 "$STATE" "$STATE/dns"
  [[ -f $STATE/dns/hosts ]] || : >"$STATE/dns/hosts"
  chmod 644 "$STATE/dns/hosts"
  step "dnsmasq: starting on $bip:53 for cluster.local" "$LOGS/dnsmasq.log"
  # --local: answer NXDOMAIN for cluster.local names it does not hold (the search path depends on it).
  # Other names are forwarded to the host's resolvers, so pods can still reach e.g. the npm registry.
  start dnsmasq dnsmasq --no-daemon --keep-in-foreground --no-hosts --pid-file= \
    --listen-address="$bip" --bind-interfaces --local=/cluster.local/ --domain-needed \
    --addn-hosts="$STATE/dns/hosts" --log-facility=- --cache-size=0
  sleep 0.3
  expect_alive dnsmasq
}

start_dns_watcher() {
  step "dns-watcher: starting (keeps $STATE/dns/hosts in step with Services)" "$LOGS/dns-watcher.log"
  [[ -x $REPO/node_modules/.bin/tsx ]] || fail "node_modules/.bin/tsx is missing in $REPO (hint: run npm ci first)"
  local before_pid
  before_pid=$(pid_of dns-watcher 2>/dev/null || true)
  start dns-watcher "$(command -v node)" --import "$REPO/node_modules/tsx/dist/esm/index.mjs" \
    "$REPO/scripts/cluster-dns-watcher.ts" \
    --kubeconfig "$STATE/admin.kubeconfig" --hosts "$STATE/dns/hosts" --dnsmasq-pid-file "$RUN/dnsmasq.pid" \
    --code-hash "$(dns_watcher_code_hash)"
  # A (re)started watcher: wait_usable waits for its own first write, not an older one's.
  if [[ $(pid_of dns-watcher 2>/dev/null || true) != "$before_pid" ]]; then DNS_WATCHER_STARTED=$(date +%s); fi
}

DNS_WATCHER_STARTED=0
# The watcher's first list always writes the file: a fresh mtime proves a started watcher reached the apiserver.
hosts_written() {
  [[ $(stat -c %Y "$STATE/dns/hosts") -ge $DNS_WATCHER_STARTED ]] &&
    grep -q ' kubernetes.default.svc.cluster.local' "$STATE/dns/hosts"
}
