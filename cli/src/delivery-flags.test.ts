import { describe, expect, it } from "vitest";
import { deliveryFlags } from "./delivery-flags.js";

describe("up / build --image-delivery and --registry", () => {
  it("passes good values on (without a trailing slash) and refuses bad ones with what they take", () => {
    expect(deliveryFlags({})).toEqual({});
    expect(deliveryFlags({ imageDelivery: "registry", registry: "registry.example.com/team/" })).toEqual({ imageDelivery: "registry", registry: "registry.example.com/team" });
    expect(() => deliveryFlags({ imageDelivery: "push" })).toThrow('--image-delivery expects one of auto, registry, engine, kind; got "push"');
    expect(() => deliveryFlags({ registry: "https://r.example" })).toThrow("--registry expects host[:port][/path]");
  });
});
