// The list-then-watch loop behind scripts/cluster-dns-watcher.ts, with its I/O passed in (so it is unit-tested
// with fakes): list Services, write the hosts file, watch from the list's resourceVersion; on a watch ERROR event,
// a watch that ends (with or without an error) or a failed list, list again after a backoff (250 ms doubling to
// 5 s); relist every `relistEveryMs` regardless. Each change rewrites the hosts file, and only a changed file
// triggers a reload.
import { renderHostsFile } from "./cluster-dns-hosts.js";
import type { ServiceAddress } from "./cluster-dns-hosts.js";

export interface ServiceList {
  readonly items: readonly ServiceAddress[];
  readonly resourceVersion: string | undefined;
}

export type WatchPhase = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WatchHandle {
  stop(): void;
}

export interface DnsSyncPorts {
  list(): Promise<ServiceList>;
  /** Starts a watch; `onEvent` per event, `onEnd` once when it ends (err undefined for a normal end). */
  watch(
    resourceVersion: string | undefined,
    onEvent: (phase: WatchPhase, service: ServiceAddress | undefined) => void,
    onEnd: (err: unknown) => void,
  ): Promise<WatchHandle>;
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

const key = (a: ServiceAddress): string => `${a.namespace}/${a.name}`;

export function createDnsSync(ports: DnsSyncPorts, options: DnsSyncOptions = {}): DnsSync {
  const relistEveryMs = options.relistEveryMs ?? 60_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const services = new Map<string, ServiceAddress>();
  let written: string | undefined;
  let stopped = false;
  let handle: WatchHandle | undefined;
  let timer: NodeJS.Timeout | undefined;
  let backoffMs = 250;
  let generation = 0;

  const flush = (): void => {
    const text = renderHostsFile(services.values());
    if (text === written) return;
    ports.writeHosts(text);
    written = text;
    ports.reload();
    ports.log(`hosts file updated: ${services.size} services`);
  };

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => void relist(), delayMs);
  };

  const retryLater = (why: string): void => {
    ports.log(`${why}; relisting in ${backoffMs} ms`);
    schedule(backoffMs);
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
  };

  const relist = async (): Promise<void> => {
    if (stopped) return;
    const gen = ++generation;
    handle?.stop();
    handle = undefined;
    try {
      const list = await withTimeout(ports.list(), requestTimeoutMs, "list");
      if (gen !== generation || stopped) return;
      services.clear();
      for (const s of list.items) services.set(key(s), s);
      flush();
      const watching = ports.watch(
        list.resourceVersion,
        (phase, service) => {
          if (gen !== generation || stopped) return;
          if (phase === "ERROR") {
            retryLater("watch reported an error (e.g. 410 Gone)");
            return;
          }
          if (phase === "BOOKMARK" || service === undefined) return;
          if (phase === "DELETED") services.delete(key(service));
          else services.set(key(service), service);
          flush();
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
