// Keeps dnsmasq's hosts file in step with the cluster's Services (see cluster-dns-sync.ts for the loop): every
// change rewrites the file atomically (temp file + rename) and sends SIGHUP to dnsmasq, which re-reads it.
//
//   node --import tsx scripts/cluster-dns-watcher.ts --kubeconfig FILE --hosts FILE --dnsmasq-pid-file FILE
//
// Started and stopped by scripts/local-cluster (pid file, log in the cluster state dir).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CoreV1Api, KubeConfig, Watch } from "@kubernetes/client-node";
import type { V1Service } from "@kubernetes/client-node";
import type { ServiceAddress } from "./cluster-dns-hosts.js";
import { createDnsSync } from "./cluster-dns-sync.js";
import type { WatchPhase } from "./cluster-dns-sync.js";

const { values } = parseArgs({
  options: {
    kubeconfig: { type: "string" },
    hosts: { type: "string" },
    "dnsmasq-pid-file": { type: "string" },
  },
});
const hostsFile = values.hosts;
const pidFile = values["dnsmasq-pid-file"];
if (hostsFile === undefined || pidFile === undefined) {
  process.stderr.write("usage: cluster-dns-watcher --kubeconfig FILE --hosts FILE --dnsmasq-pid-file FILE\n");
  process.exit(2);
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

function toAddress(s: V1Service | undefined): ServiceAddress | undefined {
  const name = s?.metadata?.name;
  const namespace = s?.metadata?.namespace;
  if (name === undefined || namespace === undefined) return undefined;
  return { name, namespace, clusterIP: s?.spec?.clusterIP };
}

const kc = new KubeConfig();
if (values.kubeconfig !== undefined) kc.loadFromFile(values.kubeconfig);
else kc.loadFromDefault();
const core = kc.makeApiClient(CoreV1Api);
const watcher = new Watch(kc);

const sync = createDnsSync({
  list: async () => {
    const list = await core.listServiceForAllNamespaces();
    return {
      items: list.items.map(toAddress).filter((a): a is ServiceAddress => a !== undefined),
      resourceVersion: list.metadata?.resourceVersion,
    };
  },
  watch: async (resourceVersion, onEvent, onEnd) => {
    const abort = await watcher.watch(
      "/api/v1/services",
      { resourceVersion, allowWatchBookmarks: true },
      (phase: string, obj: V1Service) => onEvent(phase as WatchPhase, toAddress(obj)),
      (err: unknown) => onEnd(err ?? undefined),
    );
    return { stop: () => abort.abort() };
  },
  writeHosts: (text) => {
    const tmp = `${hostsFile}.tmp-${process.pid}`;
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, hostsFile);
  },
  reload: () => {
    try {
      const pid = Number.parseInt(readFileSync(pidFile, "utf8").trim(), 10);
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, "SIGHUP");
    } catch (err) {
      log(`could not signal dnsmasq: ${err instanceof Error ? err.message : String(err)}`);
    }
  },
  log,
});

function shutdown(signal: string): void {
  sync.stop();
  log(`${signal}: stopping`);
  process.exit(0);
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

log(`watching Services; hosts file ${hostsFile}`);
sync.start();
