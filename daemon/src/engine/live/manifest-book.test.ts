import { describe, expect, it } from "vitest";
import { createFakeManifestStore } from "../../ports/fakes/fake-manifest-store.js";
import type { ManifestStore } from "../../ports/manifest-store.js";
import type { HashManifest } from "../../sync/hash-manifest.js";
import type { LiveRule } from "../../translate/types.js";
import { createManifestBook, storeKey } from "./manifest-book.js";

const rule: LiveRule = { id: "web:watch[0]", action: "sync", path: "/p/src", localRoot: "/p/src", targetDir: "/app/src", ignore: [], include: [], initialSync: false };
const manifest = (...names: string[]): HashManifest => new Map(names.map((n) => [n, { kind: "file" as const, hash: n, mode: 0o644, size: 1 }]));

describe("manifest book", () => {
  it("records what each pod holds, and saves the rule's latest under its store key", () => {
    const store = createFakeManifestStore();
    const book = createManifestBook("shop", store);
    const m = manifest("a.js");
    book.record("web-1", rule, m);
    expect(book.of("web-1", rule.id)).toBe(m);
    expect(book.of("web-2", rule.id)).toBeUndefined();
    expect(book.latest(rule.id)).toBe(m);
    expect(store.saved.get("shop")?.get(storeKey(rule))).toBe(m);
    expect(storeKey(rule)).toBe("web:watch[0] /p/src -> /app/src");
  });

  it("a pull-back's manifest replaces the pod's only if no sync recorded one meanwhile", () => {
    const book = createManifestBook("shop", undefined);
    const before = manifest("a.js");
    book.record("web-1", rule, before);
    const pulled = manifest("a.js", "out.log");
    book.recordAfter("web-1", rule, before, pulled);
    expect(book.of("web-1", rule.id)).toBe(pulled);
    const synced = manifest("b.js");
    book.record("web-1", rule, synced);
    book.recordAfter("web-1", rule, pulled, manifest("c.js"));
    expect(book.of("web-1", rule.id)).toBe(synced);
  });

  it("a failed batch's paths count as possibly held, so a later reconcile deletes them", () => {
    const book = createManifestBook("shop", undefined);
    book.record("web-1", rule, manifest("a.js"));
    book.mayHold(rule.id, ["a.js", "new.js"]);
    expect([...book.latest(rule.id).keys()]).toEqual(["a.js", "new.js"]);
    expect(book.latest(rule.id).get("a.js")).toMatchObject({ hash: "a.js" });
  });

  it("loads what an earlier daemon saved for the same rule and roots, not for a rule whose roots changed", async () => {
    const m = manifest("old.js");
    const store = createFakeManifestStore({ shop: { [storeKey(rule)]: m } });
    const book = createManifestBook("shop", store);
    await book.load([rule, { ...rule, id: "web:watch[1]", localRoot: "/p/other" }]);
    expect(book.latest(rule.id)).toBe(m);
    expect(book.latest("web:watch[1]").size).toBe(0);
  });

  it("journals a batch through the store, forgets pods, and drops the project on down", () => {
    const intents: string[] = [];
    const store: ManifestStore = { ...createFakeManifestStore({ shop: {} }), intend: (project, key, rels) => { intents.push(`${project} ${key} ${rels.join(",")}`); return () => undefined; } };
    const book = createManifestBook("shop", store);
    expect(book.intend(rule, ["a.js"])).toBeTypeOf("function");
    expect(intents).toEqual([`shop ${storeKey(rule)} a.js`]);
    book.record("web-1", rule, manifest("a.js"));
    book.record("web-2", rule, manifest("a.js"));
    book.forgetPods((pod) => pod === "web-1");
    expect(book.of("web-1", rule.id)).toBeUndefined();
    expect(book.of("web-2", rule.id)).toBeDefined();
    const fake = createFakeManifestStore({ shop: {} });
    createManifestBook("shop", fake).drop();
    expect(fake.saved.has("shop")).toBe(false);
    expect(createManifestBook("shop", undefined).intend(rule, ["a.js"])).toBeUndefined();
  });
});
