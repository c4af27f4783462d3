import { describe, expect, it } from "vitest";
import { planRetention, registryImage } from "./registry-retention.js";

const at = (minute: number): number => Date.UTC(2026, 11, 5, 12, minute);
const tag = (name: string, digest: string, minute?: number) => ({ tag: name, digest, ...(minute === undefined ? {} : { created: at(minute) }) });

describe("planRetention", () => {
  it("keeps the newest N content-hash tags and deletes the older images", () => {
    const tags = [tag("dl-aaa", "sha256:a", 1), tag("dl-bbb", "sha256:b", 2), tag("dl-ccc", "sha256:c", 3), tag("dl-ddd", "sha256:d", 4)];
    expect(planRetention(tags, { keep: 2, inUse: new Set() })).toEqual({ remove: [{ digest: "sha256:a", tags: ["dl-aaa"] }, { digest: "sha256:b", tags: ["dl-bbb"] }], kept: ["dl-ccc", "dl-ddd"] });
  });

  it("never deletes a tag in use, a tag that is not devloop's, one of unknown age, or a digest a kept tag shares", () => {
    const tags = [
      tag("dl-aaa", "sha256:a", 1), // in use
      tag("dl-bbb", "sha256:b", 2), // shares its digest with the developer's own tag
      tag("v1", "sha256:b", 2),
      tag("dl-ccc", "sha256:c"), // no creation time
      tag("dl-ddd", "sha256:d", 3), // old, goes
      tag("dl-eee", "sha256:e", 9),
    ];
    const plan = planRetention(tags, { keep: 1, inUse: new Set(["dl-aaa"]) });
    expect(plan.remove).toEqual([{ digest: "sha256:d", tags: ["dl-ddd"] }]);
    expect(plan.kept).toEqual(["dl-aaa", "dl-bbb", "v1", "dl-ccc", "dl-eee"]);
  });

  it("deletes a digest only with all its tags, and nothing with keep 0 (retention off)", () => {
    const tags = [tag("dl-aaa", "sha256:a", 1), tag("dl-bbb", "sha256:a", 2), tag("dl-ccc", "sha256:c", 3)];
    expect(planRetention(tags, { keep: 1, inUse: new Set() }).remove).toEqual([{ digest: "sha256:a", tags: ["dl-aaa", "dl-bbb"] }]);
    expect(planRetention(tags, { keep: 0, inUse: new Set() }).remove).toEqual([]);
  });
});

describe("registryImage", () => {
  it("splits a pushed reference into host, repository name and tag", () => {
    expect(registryImage("127.0.0.1:5000", "127.0.0.1:5000/shop-web:dl-0123")).toEqual({ host: "127.0.0.1:5000", name: "shop-web", tag: "dl-0123" });
    expect(registryImage("registry.example.com/team/", "registry.example.com/team/shop-web:dl-1")).toEqual({ host: "registry.example.com", name: "team/shop-web", tag: "dl-1" });
    expect(registryImage("127.0.0.1:5000", "shop-web:dl-1")).toBeUndefined();
    expect(registryImage("127.0.0.1:5000", "127.0.0.1:5000/shop-web@sha256:ab")).toBeUndefined();
  });
});
