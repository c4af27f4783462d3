import { describe, expect, it } from "vitest";
import { parseShortPort } from "./ports.js";

describe("parseShortPort", () => {
  it.each([
    ["3000", [{ target: 3000, protocol: "tcp", mode: "ingress" }]],
    ["8080:80", [{ target: 80, published: 8080, protocol: "tcp", mode: "ingress" }]],
    ["6060:6060/udp", [{ target: 6060, published: 6060, protocol: "udp", mode: "ingress" }]],
    ["127.0.0.1:8001:8001", [{ target: 8001, published: 8001, hostIp: "127.0.0.1", protocol: "tcp", mode: "ingress" }]],
    ["127.0.0.1::80", [{ target: 80, hostIp: "127.0.0.1", protocol: "tcp", mode: "ingress" }]],
    ["[::1]:6001:6001", [{ target: 6001, published: 6001, hostIp: "::1", protocol: "tcp", mode: "ingress" }]],
    [
      "9090-9091:8080-8081",
      [
        { target: 8080, published: 9090, protocol: "tcp", mode: "ingress" },
        { target: 8081, published: 9091, protocol: "tcp", mode: "ingress" },
      ],
    ],
    ["3000-3001", [{ target: 3000, protocol: "tcp", mode: "ingress" }, { target: 3001, protocol: "tcp", mode: "ingress" }]],
    ["8000-8010:80/sctp", [{ target: 80, published: 8000, protocol: "sctp", mode: "ingress" }]],
  ])("%s", (text, expected) => {
    expect(parseShortPort(text)).toEqual(expected);
  });

  it.each([["80:80:tcp"], ["abc"], ["0"], ["70000:80"], ["80/xtp"], ["1-3:4-5"], ["1:2:3:4"], ["[::1:80"]])("%s is invalid", (text) => {
    expect(typeof parseShortPort(text)).toBe("string");
  });
});
