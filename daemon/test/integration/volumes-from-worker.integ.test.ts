/**
 * fixtures/real-world/volumes-from-worker on the bed: the worker (volumes_from: [app:ro]) reads the reports app keeps
 * writing into its anonymous volume — the same volume, in the same pod — and cannot write there (:ro).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, nodeImage } from "./daemon-support.js";
import { fetchText, realWorldProject } from "./real-world-support.js";

describe("a worker reading another service's volumes (fixtures/real-world/volumes-from-worker)", () => {
  const project = realWorldProject("volumes-from-worker");
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    await project.setUp({ NODE_IMAGE: nodeImage, WORKER_PORT: port });
  });
  afterAll(() => project.tearDown());

  it("serves the reports app writes, read-only", async () => {
    const result = await project.up();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const first = await fetchText(`http://127.0.0.1:${port}/`);
    expect(first).toMatch(/worker reads [1-9]\d* reports; last: report \d+ written by app; writable: no/);
    await new Promise((r) => setTimeout(r, 2_000));
    const count = (text: string): number => Number(/reads (\d+)/.exec(text)?.[1] ?? 0);
    expect(count(await fetchText(`http://127.0.0.1:${port}/`))).toBeGreaterThan(count(first));
  });
});
