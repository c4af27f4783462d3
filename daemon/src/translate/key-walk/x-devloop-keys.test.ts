/**
 * The compose schema walk over the top-level x-devloop keys the loader reads into the model (image_delivery,
 * registry: compose/project-delivery.ts). The other x-devloop keys (templates, allowed_contexts, doctor) are free-form
 * and read where they are used. Each key must load into the model, merge as compose merges a mapping (an override's
 * value replaces, a repeated one changes nothing), show in devloop config and have a support-table entry. See
 * docs/adding-a-compose-key.md.
 */
import { describe, expect, it } from "vitest";
import { PROJECT_DELIVERY_KEYS } from "../../compose/project-delivery.js";
import { toComposeModel } from "../../compose/to-compose-model.js";
import type { ComposeProject } from "../../compose/types.js";
import { supportFor } from "../support.js";
import { loadWalk, mergeGap, walkCompose } from "./walk-project.js";

const SAMPLES: Readonly<Record<(typeof PROJECT_DELIVERY_KEYS)[number], readonly [string, string]>> = {
  image_delivery: ["registry", "engine"],
  registry: ["registry.example.com/team", "127.0.0.1:5000"],
};

const withKey = (key: string, value: string): string => walkCompose(["image: web:1"], [`x-devloop: { ${key}: ${value} }`]);
const deliveryOf = (project: ComposeProject): string => JSON.stringify(project.delivery ?? null);

describe("compose schema walk: the top-level x-devloop keys the loader reads", () => {
  it.each(PROJECT_DELIVERY_KEYS)("x-devloop.%s", (key) => {
    const [value, other] = SAMPLES[key];
    const project = loadWalk(withKey(key, value));
    expect(deliveryOf(project), "the model carries it").not.toBe(deliveryOf(loadWalk(walkCompose(["image: web:1"]))));
    expect(mergeGap(withKey(key, value), `x-devloop: { ${key}: ${value} }\n`, deliveryOf), "an override that repeats it changes nothing").toBeUndefined();
    expect(deliveryOf(loadWalk(withKey(key, value), `x-devloop: { ${key}: ${other} }\n`)), "an override's value replaces it").toBe(deliveryOf(loadWalk(withKey(key, other))));
    expect((toComposeModel(project)["x-devloop"] as Record<string, unknown> | undefined)?.[key], "devloop config shows it").toBe(value);
    expect(supportFor(`x-devloop.${key}`)?.status, "the support table has it").toBe("translated");
  });
});
