// Keeps dnsmasq's hosts file in step with the cluster's Services and, for headless Services, their Endpoints
// (see cluster-dns-sync.ts for the loops): every
// change rewrites the file atomically (temp file + rename) and sends SIGHUP to dnsmasq, which re-reads it.
//
//   node --import tsx scripts/cluster-dns-watcher.ts --kubeconfig FILE --hosts FILE --dnsmasq-pid-file FILE
//
// Started and stopped by scripts/local-cluster (pid file, log in the cluster state dir).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CoreV1Api, KubeConfig, Watch } from "@kubernetes/client-node";
import type { V1Endpoints, V1Service } from "@kubernetes/client-node";
import type { EndpointsAddresses, ServiceAddress } from "./cluster-dns-hosts.js";
import { createDnsSync } from "./cluster-dns-sync.js";
import type { ResourceSource, WatchPhase } from "./cluster-dns-sync.js";

const { values } = parseArgs({
  options: {
    kubeconfig: { type: "string" },
    hosts: { type: "string" },
    "dnsmasq-pid-file": { type: "string" },
    // Ignored: scripts/local-cluster passes a hash of these scripts so that a changed watcher gets restarted.
    "code-hash": { type: "string" },
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

/** Only ready addresses: notReadyAddresses are left out, as cluster DNS does for headless Services. */
function toEndpoints(e: V1Endpoints | undefined): EndpointsAddresses | undefined {
  const name = e?.metadata?.name;
  const namespace = e?.metadata?.namespace;
  if (name === undefined || namespace === undefined) return undefined;
  const addresses = (e?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
  return { name, namespace, addresses };
}

const kc = new KubeConfig();
if (values.kubeconfig !== undefined) kc.loadFromFile(values.kubeconfig);
else kc.loadFromDefault();
const core = kc.makeApiClient(CoreV1Api);
const watcher = new Watch(kc);

const endpoints: ResourceSource<EndpointsAddresses> = {
  list: async () => {
    const list = await core.listEndpointsForAllNamespaces();
    return {
      items: list.items.map(toEndpoints).filter((a): a is EndpointsAddresses => a !== undefined),
      resourceVersion: list.metadata?.resourceVersion,
    };
  },
  watch: async (resourceVersion, onEvent, onEnd) => {
    const abort = await watcher.watch(
      "/api/v1/endpoints",
      { resourceVersion, allowWatchBookmarks: true },
      (phase: string, obj: V1Endpoints) => onEvent(phase as WatchPhase, toEndpoints(obj)),
      (err: unknown) => onEnd(err ?? undefined),
    );
    return { stop: () => abort.abort() };
  },
};

const sync = createDnsSync({
  endpoints,
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

log(`watching Services and Endpoints; hosts file ${hostsFile}`);
sync.start();
