// Keeps dnsmasq's hosts file in step with the cluster's Services: list, then watch from the list's
// resourceVersion; on any watch end or error, list again (after a short backoff). Every change rewrites the file
// atomically (temp file + rename) and sends SIGHUP to dnsmasq, which re-reads it. A full relist every 60 s
// repairs anything a lost event could have left behind.
//
//   node --import tsx scripts/cluster-dns-watcher.ts --kubeconfig FILE --hosts FILE --dnsmasq-pid-file FILE
//
// Started and stopped by scripts/local-cluster (pid file, log in the cluster state dir).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CoreV1Api, KubeConfig, Watch } from "@kubernetes/client-node";
import type { V1Service } from "@kubernetes/client-node";
import { renderHostsFile } from "./cluster-dns-hosts.js";
import type { ServiceAddress } from "./cluster-dns-hosts.js";

const RELIST_EVERY_MS = 60_000;
const MAX_BACKOFF_MS = 5_000;

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

const kc = new KubeConfig();
if (values.kubeconfig !== undefined) kc.loadFromFile(values.kubeconfig);
else kc.loadFromDefault();
const core = kc.makeApiClient(CoreV1Api);
const watcher = new Watch(kc);

const services = new Map<string, ServiceAddress>();
let written: string | undefined;
let stopped = false;
let watchAbort: AbortController | undefined;
let relistTimer: NodeJS.Timeout | undefined;
let backoffMs = 250;
let generation = 0;

function toAddress(s: V1Service): ServiceAddress | undefined {
  const name = s.metadata?.name;
  const namespace = s.metadata?.namespace;
  if (name === undefined || namespace === undefined) return undefined;
  return { name, namespace, clusterIP: s.spec?.clusterIP };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : JSON.stringify(err);
}

function key(a: { namespace: string; name: string }): string {
  return `${a.namespace}/${a.name}`;
}

function reloadDnsmasq(): void {
  try {
    const pid = Number.parseInt(readFileSync(pidFile as string, "utf8").trim(), 10);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, "SIGHUP");
  } catch (err) {
    log(`could not signal dnsmasq: ${(err as Error).message}`);
  }
}

function flush(): void {
  const text = renderHostsFile(services.values());
  if (text === written) return;
  const tmp = `${hostsFile as string}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, hostsFile as string);
  written = text;
  reloadDnsmasq();
  log(`hosts file updated: ${services.size} services`);
}

function scheduleRelist(delayMs: number): void {
  if (stopped) return;
  if (relistTimer !== undefined) clearTimeout(relistTimer);
  relistTimer = setTimeout(() => void relist(), delayMs);
}

async function relist(): Promise<void> {
  if (stopped) return;
  const gen = ++generation;
  watchAbort?.abort();
  watchAbort = undefined;
  try {
    const list = await core.listServiceForAllNamespaces();
    services.clear();
    for (const s of list.items) {
      const a = toAddress(s);
      if (a !== undefined) services.set(key(a), a);
    }
    flush();
    const rv = list.metadata?.resourceVersion;
    watchAbort = await watcher.watch(
      "/api/v1/services",
      { resourceVersion: rv, allowWatchBookmarks: true },
      (phase: string, obj: V1Service) => {
        if (gen !== generation) return;
        if (phase === "ERROR") {
          log("watch reported an error (e.g. 410 Gone); relisting");
          scheduleRelist(0);
          return;
        }
        if (phase === "BOOKMARK") return;
        const a = toAddress(obj);
        if (a === undefined) return;
        if (phase === "DELETED") services.delete(key(a));
        else services.set(key(a), a);
        flush();
      },
      (err: unknown) => {
        if (gen !== generation || stopped) return;
        if (err) log(`watch ended: ${describe(err)}; relisting`);
        scheduleRelist(err ? backoffMs : 0);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      },
    );
    backoffMs = 250;
    scheduleRelist(RELIST_EVERY_MS);
  } catch (err) {
    if (gen !== generation) return;
    log(`list failed: ${describe(err)}; retrying in ${backoffMs} ms`);
    scheduleRelist(backoffMs);
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  }
}

function shutdown(signal: string): void {
  stopped = true;
  if (relistTimer !== undefined) clearTimeout(relistTimer);
  watchAbort?.abort();
  log(`${signal}: stopping`);
  process.exit(0);
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

log(`watching Services; hosts file ${hostsFile}`);
void relist();
