import { describe, expect, it } from "vitest";
import { imageBaseName, imagePinning, parseImageRef } from "./image-ref.js";

describe("imagePinning", () => {
  it.each([
    ["node", "no-tag"],
    ["node:latest", "latest"],
    ["node:20", "major-only"],
    ["python:3-slim", "major-only"],
    ["redis:alpine", "no-version"],
    ["node:20.18-bookworm-slim", "version"],
    ["redis:7.2.5-bookworm", "version"],
    ["localhost:5000/team/app", "no-tag"],
    ["localhost:5000/team/app:1.4.2", "version"],
    ["node@sha256:0123abcd", "digest"],
    ["node:20@sha256:0123abcd", "digest"],
  ])("%s → %s", (ref, kind) => {
    expect(imagePinning(ref).kind).toBe(kind);
  });
});

describe("parseImageRef", () => {
  it("tells a registry port from a tag", () => {
    expect(parseImageRef("localhost:5000/app:1.0")).toEqual({ repository: "localhost:5000/app", tag: "1.0" });
    expect(imageBaseName("docker.io/library/golang:1.22")).toBe("golang");
  });
});
