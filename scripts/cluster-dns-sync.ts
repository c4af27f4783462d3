// The list-then-watch loops behind scripts/cluster-dns-watcher.ts, with their I/O passed in (so they are
// unit-tested with fakes). One loop per resource: Services, and (optionally) Endpoints for headless Services.
// Each loop lists, writes the hosts file, watches from the list's resourceVersion; on a watch ERROR event, a
// watch that ends (with or without an error) or a failed list, it lists again after a backoff (250 ms doubling to
// 5 s); it relists every `relistEveryMs` regardless. Each change rewrites the hosts file, and only a changed
// file triggers a reload.
import { renderHostsFile } from "./cluster-dns-hosts.js";
import type { EndpointsAddresses, ServiceAddress } from "./cluster-dns-hosts.js";

export interface ResourceList<T> {
  readonly items: readonly T[];
  readonly resourceVersion: string | undefined;
}

export type ServiceList = ResourceList<ServiceAddress>;
export type EndpointsList = ResourceList<EndpointsAddresses>;

export type WatchPhase = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WatchHandle {
  stop(): void;
}

/** List and watch of one resource kind. */
export interface ResourceSource<T> {
  list(): Promise<ResourceList<T>>;
  /** Starts a watch; `onEvent` per event, `onEnd` once when it ends (err undefined for a normal end). */
  watch(
    resourceVersion: string | undefined,
    onEvent: (phase: WatchPhase, item: T | undefined) => void,
    onEnd: (err: unknown) => void,
  ): Promise<WatchHandle>;
}

export interface DnsSyncPorts extends ResourceSource<ServiceAddress> {
  /** Endpoints, for headless Services (their names resolve to the ready pod addresses). */
  readonly endpoints?: ResourceSource<EndpointsAddresses>;
  /** Replaces the hosts file atomically. */
  writeHosts(text: string): void;
  /** Tells the DNS server to re-read the hosts file. */
  reload(): void;
  log(line: string): void;
}

export interface DnsSyncOptions {
  readonly relistEveryMs?: number;
  readonly maxBackoffMs?: number;
  /** A list or watch start that has not answered by then counts as failed (an apiserver mid-restart can accept
   * the connection and never answer; without this the loop would wait forever). */
  readonly requestTimeoutMs?: number;
}

export interface DnsSync {
  start(): void;
  stop(): void;
}

interface Named {
  readonly namespace: string;
  readonly name: string;
}

const key = (a: Named): string => `${a.namespace}/${a.name}`;

export function createDnsSync(ports: DnsSyncPorts, options: DnsSyncOptions = {}): DnsSync {
  const services = new Map<string, ServiceAddress>();
  const endpoints = new Map<string, EndpointsAddresses>();
  let written: string | undefined;

  const flush = (): void => {
    const text = renderHostsFile(services.values(), endpoints.values());
    if (text === written) return;
    ports.writeHosts(text);
    written = text;
    ports.reload();
    ports.log(`hosts file updated: ${services.size} services, ${endpoints.size} endpoints`);
  };

  const loops = [createListWatchLoop("Services", ports, services, flush, (l) => ports.log(l), options)];
  if (ports.endpoints !== undefined) loops.push(createListWatchLoop("Endpoints", ports.endpoints, endpoints, flush, (l) => ports.log(l), options));

  return {
    start: () => loops.forEach((l) => l.start()),
    stop: () => loops.forEach((l) => l.stop()),
  };
}

/** Keeps `items` equal to the cluster's objects of one kind; calls `changed` after every update. */
function createListWatchLoop<T extends Named>(
  what: string,
  source: ResourceSource<T>,
  items: Map<string, T>,
  changed: () => void,
  log: (line: string) => void,
  options: DnsSyncOptions,
): DnsSync {
  const relistEveryMs = options.relistEveryMs ?? 60_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  let stopped = false;
  let handle: WatchHandle | undefined;
  let timer: NodeJS.Timeout | undefined;
  let backoffMs = 250;
  let generation = 0;

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => void relist(), delayMs);
  };

  const retryLater = (why: string): void => {
    log(`${what}: ${why}; relisting in ${backoffMs} ms`);
    schedule(backoffMs);
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
  };

  const relist = async (): Promise<void> => {
    if (stopped) return;
    const gen = ++generation;
    handle?.stop();
    handle = undefined;
    try {
      const list = await withTimeout(source.list(), requestTimeoutMs, "list");
      if (gen !== generation || stopped) return;
      items.clear();
      for (const s of list.items) items.set(key(s), s);
      changed();
      const watching = source.watch(
        list.resourceVersion,
        (phase, item) => {
          if (gen !== generation || stopped) return;
          if (phase === "ERROR") {
            retryLater("watch reported an error (e.g. 410 Gone)");
            return;
          }
          if (phase === "BOOKMARK" || item === undefined) return;
          if (phase === "DELETED") items.delete(key(item));
          else items.set(key(item), item);
          changed();
        },
        (err) => {
          if (gen !== generation || stopped) return;
          if (err === undefined || err === null) schedule(0);
          else retryLater(`watch ended: ${describe(err)}`);
        },
      );
      // A watch that starts after its timeout is stopped as soon as it arrives.
      watching.then((late) => gen !== generation && late.stop(), () => undefined);
      const h = await withTimeout(watching, requestTimeoutMs, "watch");
      if (gen !== generation || stopped) {
        h.stop();
        return;
      }
      handle = h;
      backoffMs = 250;
      schedule(relistEveryMs);
    } catch (err) {
      if (gen !== generation || stopped) return;
      retryLater(`list or watch failed: ${describe(err)}`);
    }
  };

  return {
    start: () => void relist(),
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      handle?.stop();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : JSON.stringify(err);
}
