import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { boundPort, listenWithFallback } from "./listen.js";

const open: Server[] = [];
afterEach(() => open.splice(0).forEach((s) => s.close()));

const handler = (_req: unknown, res: { end(text: string): void }): void => res.end("ok");

/** A port some other process holds for the whole test. */
const busyPort = async (): Promise<number> => {
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
  open.push(squatter);
  return boundPort(squatter);
};

describe("listenWithFallback", () => {
  it("takes the previous daemon's port when it is free", async () => {
    const free = await busyPort();
    open.pop()?.close();
    await new Promise((r) => setTimeout(r, 50));
    const server = await listenWithFallback(handler, { previous: free });
    open.push(server);
    expect(boundPort(server)).toBe(free);
  });

  it("falls back to another free port when the remembered one is busy, and says so", async () => {
    const busy = await busyPort();
    const notes: string[] = [];
    const server = await listenWithFallback(handler, { previous: busy, onFallback: (p, reason) => notes.push(`${p} ${reason}`) });
    open.push(server);
    const port = boundPort(server);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(busy);
    expect(notes).toEqual([`${busy} EADDRINUSE`]);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("ok");
  });

  it("refuses a busy explicit port (DEVLOOP_PORT) with what to do, instead of pretending to listen", async () => {
    const busy = await busyPort();
    await expect(listenWithFallback(handler, { explicit: busy })).rejects.toThrow(`cannot listen on 127.0.0.1:${busy} (DEVLOOP_PORT): the port is in use; unset DEVLOOP_PORT to take any free port`);
    await expect(listenWithFallback(handler, { explicit: Number("abc") })).rejects.toThrow("DEVLOOP_PORT: expected a port number 0-65535, got NaN");
  });
});
