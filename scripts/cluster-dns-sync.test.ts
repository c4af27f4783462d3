import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EndpointsAddresses, ServiceAddress } from "./cluster-dns-hosts.js";
import { createDnsSync } from "./cluster-dns-sync.js";
import type { DnsSyncPorts, ResourceSource, ServiceList, WatchPhase } from "./cluster-dns-sync.js";

interface FakeWatch {
  readonly resourceVersion: string | undefined;
  readonly emit: (phase: WatchPhase, s?: ServiceAddress) => void;
  readonly end: (err?: unknown) => void;
  stopped: boolean;
}

function createFakeCluster(initial: ServiceAddress[]) {
  let services = [...initial];
  let rv = 1;
  const watches: FakeWatch[] = [];
  const files: string[] = [];
  let reloads = 0;
  let failLists = 0;
  let hangLists = 0;
  const ports: DnsSyncPorts = {
    list: () => {
      if (hangLists > 0) {
        hangLists--;
        return new Promise<ServiceList>(() => undefined);
      }
      if (failLists > 0) {
        failLists--;
        return Promise.reject(new Error("connection refused"));
      }
      return Promise.resolve<ServiceList>({ items: [...services], resourceVersion: String(rv) });
    },
    watch: (resourceVersion, onEvent, onEnd) => {
      const w: FakeWatch = { resourceVersion, emit: onEvent, end: onEnd, stopped: false };
      watches.push(w);
      return Promise.resolve({ stop: () => (w.stopped = true) });
    },
    writeHosts: (text) => files.push(text),
    reload: () => reloads++,
    log: () => undefined,
  };
  return {
    ports,
    watches,
    files,
    reloads: () => reloads,
    lastFile: () => files.at(-1) ?? "",
    set: (next: ServiceAddress[]) => {
      services = next;
      rv++;
    },
    failNextLists: (n: number) => (failLists = n),
    hangNextLists: (n: number) => (hangLists = n),
  };
}

const svc = (name: string, ip: string, namespace = "dev"): ServiceAddress => ({ namespace, name, clusterIP: ip });

describe("createDnsSync", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("writes the listed Services, then follows watch events from the list's resourceVersion", async () => {
    const c = createFakeCluster([svc("api", "10.0.0.5")]);
    const sync = createDnsSync(c.ports);
    sync.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.lastFile()).toContain("10.0.0.5 api.dev.svc.cluster.local");
    expect(c.watches[0]?.resourceVersion).toBe("1");

    c.watches[0]?.emit("ADDED", svc("web", "10.0.0.6"));
    expect(c.lastFile()).toContain("10.0.0.6 web.dev.svc.cluster.local");
    c.watches[0]?.emit("DELETED", svc("api", "10.0.0.5"));
    expect(c.lastFile()).not.toContain("api.dev");
    expect(c.reloads()).toBe(3);
    sync.stop();
  });

  it("does not rewrite or reload when nothing changed", async () => {
    const c = createFakeCluster([svc("api", "10.0.0.5")]);
    const sync = createDnsSync(c.ports);
    sync.start();
    await vi.advanceTimersByTimeAsync(0);
    c.watches[0]?.emit("MODIFIED", svc("api", "10.0.0.5"));
    c.watches[0]?.emit("BOOKMARK");
    expect(c.files).toHaveLength(1);
    expect(c.reloads()).toBe(1);
    sync.stop();
  });

  it("relists after a watch error, picking up what changed meanwhile", async () => {
    const c = createFakeCluster([svc("api", "10.0.0.5")]);
    const sync = createDnsSync(c.ports);
    sync.start();
    await vi.advanceTimersByTimeAsync(0);
    c.set([svc("api", "10.0.0.5"), svc("missed", "10.0.0.9")]);
    c.watches[0]?.end(new Error("socket hang up"));
    await vi.advanceTimersByTimeAsync(300);
    expect(c.watches).toHaveLength(2);
    expect(c.watches[1]?.resourceVersion).toBe("2");
    expect(c.lastFile()).toContain("10.0.0.9 missed.dev.svc.cluster.local");
    sync.stop();
  });

  it("relists on an ERROR event (410 Gone) and stops the old watch", async () => {
    const c = createFakeCluster([]);
    const sync = createDnsSync(c.ports);
    sync.start();
    await vi.advanceTimersByTimeAsync(0);
    c.watches[0]?.emit("ERROR");
    await vi.advanceTimersByTimeAsync(300);
    expect(c.watches).toHaveLength(2);
    expect(c.watches[0]?.stopped).toBe(true);
    // Events from the abandoned watch are ignored.
    c.watches[0]?.emit("ADDED", svc("ghost", "10.0.0.7"));
    expect(c.lastFile()).not.toContain("ghost");
    sync.stop();
  });

  it("keeps retrying a failing list with backoff until the apiserver answers", async () => {
    const c = createFakeCluster([svc("api", "10.0.0.5")]);
    c.failNextLists(3);
    const sync = createDnsSync(c.ports);
    sync.start();
    await vi.advanceTimersByTimeAsync(250 + 500 + 1000 + 10);
    expect(c.watches).toHaveLength(1);
    expect(c.lastFile()).toContain("api.dev");
    sync.stop();
  });

  it("relists periodically even when the watch stays quiet", async () => {
    const c = createFakeCluster([]);
    const sync = createDnsSync(c.ports, { relistEveryMs: 1_000 });
    sync.start();
    await vi.advanceTimersByTimeAsync(0);
    c.set([svc("late", "10.0.0.8")]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(c.lastFile()).toContain("late.dev");
    expect(c.watches[0]?.stopped).toBe(true);
    sync.stop();
  });

  it("gives up on a list that never answers (apiserver mid-restart) and lists again", async () => {
    const c = createFakeCluster([svc("api", "10.0.0.5")]);
    c.hangNextLists(2);
    const sync = createDnsSync(c.ports, { requestTimeoutMs: 1_000 });
    sync.start();
    await vi.advanceTimersByTimeAsync(1_000 + 250 + 1_000 + 500 + 10);
    expect(c.watches).toHaveLength(1);
    expect(c.lastFile()).toContain("api.dev");
    sync.stop();
  });
});

describe("createDnsSync with Endpoints", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function endpointsSource(initial: EndpointsAddresses[]) {
    let items = [...initial];
    let lists = 0;
    let failLists = 0;
    const watches: { emit: (phase: WatchPhase, e?: EndpointsAddresses) => void; end: (err?: unknown) => void }[] = [];
    const source: ResourceSource<EndpointsAddresses> = {
      list: () => {
        lists++;
        if (failLists > 0) {
          failLists--;
          return Promise.reject(new Error("connection refused"));
        }
        return Promise.resolve({ items: [...items], resourceVersion: String(lists) });
      },
      watch: (_rv, onEvent, onEnd) => {
        watches.push({ emit: onEvent, end: onEnd });
        return Promise.resolve({ stop: () => undefined });
      },
    };
    return { source, watches, lists: () => lists, set: (next: EndpointsAddresses[]) => (items = next), failNextLists: (n: number) => (failLists = n) };
  }

  it("resolves a headless Service to its ready addresses, following Endpoints watch events", async () => {
    const c = createFakeCluster([svc("cache", "None"), svc("api", "10.0.0.5")]);
    const e = endpointsSource([{ namespace: "dev", name: "cache", addresses: [] }]);
    const sync = createDnsSync({ ...c.ports, endpoints: e.source });
    sync.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.lastFile()).not.toContain("cache.dev");
    e.watches[0]?.emit("MODIFIED", { namespace: "dev", name: "cache", addresses: ["172.17.0.9"] });
    expect(c.lastFile()).toContain("172.17.0.9 cache.dev.svc.cluster.local");
    e.watches[0]?.emit("DELETED", { namespace: "dev", name: "cache", addresses: ["172.17.0.9"] });
    expect(c.lastFile()).not.toContain("cache.dev");
    expect(c.lastFile()).toContain("10.0.0.5 api.dev.svc.cluster.local");
    sync.stop();
  });

  it("relists Endpoints on their own after an error, without disturbing the Services watch", async () => {
    const c = createFakeCluster([svc("cache", "None")]);
    const e = endpointsSource([]);
    e.failNextLists(1);
    const sync = createDnsSync({ ...c.ports, endpoints: e.source });
    sync.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(e.watches).toHaveLength(0);
    e.set([{ namespace: "dev", name: "cache", addresses: ["172.17.0.4"] }]);
    await vi.advanceTimersByTimeAsync(300);
    expect(e.watches).toHaveLength(1);
    expect(c.watches).toHaveLength(1);
    expect(c.lastFile()).toContain("172.17.0.4 cache.dev.svc.cluster.local");
    sync.stop();
  });
});
