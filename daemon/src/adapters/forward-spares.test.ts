import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import type { PortForwardTarget } from "../ports/cluster.js";
import { createForwardSpares } from "./forward-spares.js";
import type { PodStream, PodStreamHandlers, Timer } from "./forward-spares.js";

interface FakeStream extends PodStream {
  readonly id: number;
  readonly written: string[];
  closed: boolean;
  fromPod(text: string): void;
  failed(message: string): void;
  ended(): void;
}

const target: PortForwardTarget = { namespace: "ns", pod: "web-1", remotePort: 3000 };

const setup = () => {
  let clock = 0;
  const timers: { due: number; run: () => void; cancelled: boolean }[] = [];
  const streams: FakeStream[] = [];
  let gate: Promise<void> = Promise.resolve();
  let failOpen = false;
  const open = async (): Promise<PodStream> => {
    await gate;
    if (failOpen) throw new Error("pods \"web-1\" not found");
    let handlers: PodStreamHandlers | undefined;
    const early: (() => void)[] = [];
    const fire = (f: (h: PodStreamHandlers) => void): void => {
      if (handlers === undefined) early.push(() => f(handlers as PodStreamHandlers));
      else f(handlers);
    };
    const s: FakeStream = {
      id: streams.length,
      written: [],
      closed: false,
      write: (chunk) => void s.written.push(chunk.toString()),
      close: () => {
        if (s.closed) return;
        s.closed = true;
        fire((h) => h.closed());
      },
      listen: (h) => {
        handlers = h;
        for (const f of early.splice(0)) f();
      },
      fromPod: (text) => fire((h) => h.data(Buffer.from(text))),
      failed: (message) => fire((h) => h.error(message)),
      ended: () => {
        s.closed = true;
        fire((h) => h.closed());
      },
    };
    streams.push(s);
    return s;
  };
  const setTimer = (run: () => void, ms: number): Timer => {
    const t = { due: clock + ms, run, cancelled: false };
    timers.push(t);
    return { cancel: () => void (t.cancelled = true) };
  };
  const spares = createForwardSpares({ open, now: () => clock, setTimer, maxAgeMs: 10_000, idleMs: 120_000, retryWindowMs: 1_000 });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  const advance = async (ms: number): Promise<void> => {
    const end = clock + ms;
    for (;;) {
      const next = timers.filter((t) => !t.cancelled && t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (next === undefined) break;
      clock = next.due;
      next.cancelled = true;
      next.run();
      await settle();
    }
    clock = end;
  };
  const socket = () => {
    const received: Buffer[] = [];
    let ended = false;
    const s = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        received.push(chunk);
        cb();
      },
      final(cb) {
        ended = true;
        cb();
      },
    });
    return { s, send: (text: string) => s.push(Buffer.from(text)), received: () => Buffer.concat(received).toString(), ended: () => ended };
  };
  return {
    spares,
    streams,
    settle,
    advance,
    socket,
    hold: () => {
      let release = (): void => undefined;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = Promise.resolve();
        release();
      };
    },
    failOpens: (fail: boolean) => void (failOpen = fail),
  };
};

describe("port-forward spares", () => {
  it("opens nothing ahead before a target's first connection, then keeps one spare that the next connection takes", async () => {
    const t = setup();
    expect(t.spares.spares).toBe(0);
    expect(t.streams).toHaveLength(0);

    const a = t.socket();
    await t.spares.connect(target, a.s);
    await t.settle();
    expect(t.streams).toHaveLength(2);
    expect(t.spares.spares).toBe(1);

    // The next connection does not wait for a stream to open: it is carried by the spare at once.
    const release = t.hold();
    const b = t.socket();
    await t.spares.connect(target, b.s);
    b.send("GET / HTTP/1.1\r\n\r\n");
    await t.settle();
    expect(t.streams[1]?.written).toEqual(["GET / HTTP/1.1\r\n\r\n"]);
    t.streams[1]?.fromPod("HTTP/1.1 200 OK\r\n\r\nhi");
    await t.settle();
    expect(b.received()).toBe("HTTP/1.1 200 OK\r\n\r\nhi");
    // ... and another is opened behind it.
    release();
    await t.settle();
    expect(t.streams).toHaveLength(3);
    expect(t.spares.spares).toBe(1);

    // Two in a row while the next spare is still opening: the first takes the ready one, the second waits for the
    // one opening behind it (sooner than opening its own), and the target now keeps two.
    const held = t.hold();
    const c = t.socket();
    const d = t.socket();
    await t.spares.connect(target, c.s);
    const dConnected = t.spares.connect(target, d.s);
    await t.settle();
    held();
    await dConnected;
    d.send("d");
    await t.settle();
    expect(t.streams[3]?.written).toEqual(["d"]);
    expect(t.spares.spares).toBe(2);
    // Four connections on their streams, and the two spares.
    expect(t.streams.filter((s) => !s.closed)).toHaveLength(6);
  });

  it("keeps more spares only while connections come faster than a stream opens: at most 4, back to one when unused", async () => {
    const t = setup();
    await t.spares.connect(target, t.socket().s);
    await t.settle();
    for (let round = 0; round < 6; round++) {
      const release = t.hold();
      const pending = Array.from({ length: 6 }, () => t.spares.connect(target, t.socket().s));
      release();
      await Promise.all(pending);
      await t.settle();
      expect(t.spares.spares).toBeLessThanOrEqual(4);
    }
    expect(t.spares.spares).toBe(4);
    // Unused, each spare that reaches its age lowers the count by one: one is left after a round of ages.
    await t.advance(10_000);
    expect(t.spares.spares).toBe(1);
    await t.advance(10_000);
    expect(t.spares.spares).toBe(1);
  });

  it("renews a spare every maxAge while the target was used within idleMs, then closes it and opens no more", async () => {
    const t = setup();
    await t.spares.connect(target, t.socket().s);
    await t.settle();
    expect(t.streams).toHaveLength(2);

    await t.advance(10_000);
    expect(t.streams[1]?.closed).toBe(true);
    expect(t.streams).toHaveLength(3);
    expect(t.spares.spares).toBe(1);

    await t.advance(120_000);
    // 10 s apart: renewed while the last use was under 2 min ago, none after.
    expect(t.streams.length).toBeLessThanOrEqual(2 + 12);
    expect(t.spares.spares).toBe(0);
    expect(t.streams.every((s, i) => i === 0 || s.closed)).toBe(true);
    const opened = t.streams.length;
    await t.advance(600_000);
    expect(t.streams).toHaveLength(opened);
  });

  it("renews no spare while the client keeps reusing a connection older than a spare's age; one is back within an age of it going quiet", async () => {
    const t = setup();
    const a = t.socket();
    await t.spares.connect(target, a.s);
    await t.settle();
    expect(t.streams).toHaveLength(2);
    // A kept-alive poller: a request every second on its one connection.
    for (let s = 0; s < 35; s++) {
      a.send("GET / HTTP/1.1\r\n\r\n");
      await t.settle();
      await t.advance(1_000);
    }
    // The first spare aged out at 10 s with the connection 10 s old and busy: nothing opened since.
    expect(t.streams).toHaveLength(2);
    expect(t.spares.spares).toBe(0);
    // The client goes quiet (the connection stays open): at the next check after an age without its bytes, a spare.
    await t.advance(10_000);
    expect(t.streams).toHaveLength(2);
    await t.advance(10_000);
    expect(t.streams).toHaveLength(3);
    expect(t.spares.spares).toBe(1);
    // A new connection still takes it at once, and one is opened behind it.
    const b = t.socket();
    await t.spares.connect(target, b.s);
    b.send("x");
    await t.settle();
    expect(t.streams[2]?.written).toEqual(["x"]);
    expect(t.streams).toHaveLength(4);
  });

  it("a connection younger than a spare's age, or one that closed, does not hold renewals back (curl, a browser after idle)", async () => {
    const t = setup();
    const a = t.socket();
    await t.spares.connect(target, a.s);
    await t.settle();
    a.send("GET / HTTP/1.1\r\n\r\n");
    await t.settle();
    a.s.destroy();
    await t.settle();
    // Its spare ages out with no connection open: renewed at once, each age, as before.
    await t.advance(10_000);
    expect(t.streams).toHaveLength(3);
    await t.advance(10_000);
    expect(t.streams).toHaveLength(4);
    expect(t.spares.spares).toBe(1);
  });

  it("a spare that ends or fails before it is taken is not replaced until the next connection", async () => {
    const t = setup();
    await t.spares.connect(target, t.socket().s);
    await t.settle();
    t.streams[1]?.failed("error forwarding port 3000: connection refused");
    t.streams[1]?.ended();
    await t.settle();
    expect(t.spares.spares).toBe(0);
    await t.advance(60_000);
    expect(t.streams).toHaveLength(2);

    const c = t.socket();
    await t.spares.connect(target, c.s);
    await t.settle();
    expect(t.streams).toHaveLength(4);
    expect(t.spares.spares).toBe(1);
  });

  it("a server that speaks first gets its spare closed and no more spares: nobody receives a stale greeting", async () => {
    const t = setup();
    await t.spares.connect(target, t.socket().s);
    await t.settle();
    t.streams[1]?.fromPod("220 smtp ready\r\n");
    await t.settle();
    expect(t.streams[1]?.closed).toBe(true);
    expect(t.spares.spares).toBe(0);

    const c = t.socket();
    await t.spares.connect(target, c.s);
    await t.settle();
    expect(t.streams).toHaveLength(3);
    t.streams[2]?.fromPod("220 smtp ready\r\n");
    await t.settle();
    expect(c.received()).toBe("220 smtp ready\r\n");
    expect(t.spares.spares).toBe(0);
  });

  it("a spare the server closed just as it was taken is replaced: the client's bytes go again on a new stream", async () => {
    const t = setup();
    await t.spares.connect(target, t.socket().s);
    await t.settle();
    const b = t.socket();
    await t.spares.connect(target, b.s);
    b.send("GET /a HTTP/1.1\r\n");
    b.send("\r\n");
    await t.settle();
    // The spare (stream 1) ends with no answer; stream 2 is the new spare.
    t.streams[1]?.ended();
    await t.settle();
    const retried = t.streams[3];
    expect(retried?.written).toEqual(["GET /a HTTP/1.1\r\n", "\r\n"]);
    retried?.fromPod("HTTP/1.1 200 OK\r\n\r\nfresh");
    await t.settle();
    expect(b.received()).toBe("HTTP/1.1 200 OK\r\n\r\nfresh");
    expect(b.ended()).toBe(false);
    // Only once: the new stream's end ends the client's connection.
    retried?.ended();
    await t.settle();
    expect(b.ended()).toBe(true);
    expect(t.streams).toHaveLength(4);
  });

  it("does not replay once the pod answered, after the retry window, or on a stream it opened itself", async () => {
    const t = setup();
    const a = t.socket();
    await t.spares.connect(target, a.s);
    await t.settle();
    a.send("x");
    await t.settle();
    t.streams[0]?.ended();
    await t.settle();
    expect(a.ended()).toBe(true);
    expect(t.streams).toHaveLength(2);

    const b = t.socket();
    await t.spares.connect(target, b.s);
    b.send("GET / HTTP/1.1\r\n\r\n");
    t.streams[1]?.fromPod("HTTP/1.1 200 OK\r\n\r\n");
    t.streams[1]?.ended();
    await t.settle();
    expect(b.ended()).toBe(true);

    const c = t.socket();
    await t.spares.connect(target, c.s);
    await t.advance(2_000);
    t.streams[2]?.failed("lost connection to pod");
    await t.settle();
    expect(c.s.destroyed).toBe(true);
    expect(t.streams.filter((s) => s.written.length > 0)).toHaveLength(2);
  });

  it("the client's end closes its stream (a WebSocket stream cannot be half-closed)", async () => {
    const t = setup();
    const a = t.socket();
    await t.spares.connect(target, a.s);
    a.s.push(null);
    await t.settle();
    expect(t.streams[0]?.closed).toBe(true);
    const b = t.socket();
    await t.spares.connect(target, b.s);
    b.s.destroy();
    await t.settle();
    expect(t.streams[1]?.closed).toBe(true);
  });

  it("drop closes a namespace's spares and forgets the target; a failed open rejects and arms nothing", async () => {
    const t = setup();
    await t.spares.connect(target, t.socket().s);
    await t.settle();
    t.spares.drop("other");
    expect(t.spares.spares).toBe(1);
    t.spares.drop("ns", 3000);
    expect(t.spares.spares).toBe(0);
    expect(t.streams[1]?.closed).toBe(true);
    await t.advance(60_000);
    expect(t.streams).toHaveLength(2);

    t.failOpens(true);
    await expect(t.spares.connect(target, t.socket().s)).rejects.toThrow(/not found/);
    await t.settle();
    expect(t.streams).toHaveLength(2);
  });
});
