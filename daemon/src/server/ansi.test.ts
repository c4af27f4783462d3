import { describe, expect, it } from "vitest";
// The dashboard's module (plain JS, no DOM needed for these two).
import { ansiRuns, stripAnsi } from "./public/ansi.js";

describe("dashboard ANSI", () => {
  it("turns SGR colours into styled runs and keeps the text", () => {
    expect(ansiRuns("\u001b[32minfo\u001b[39m: listening on \u001b[1;31m:3000\u001b[0m")).toEqual([
      { text: "info", style: { fg: "32" } },
      { text: ": listening on ", style: {} },
      { text: ":3000", style: { bold: true, fg: "31" } },
    ]);
  });

  it("reads 256-colour and truecolour codes as colours", () => {
    expect(ansiRuns("\u001b[38;5;196mred\u001b[0m \u001b[38;2;1;2;3mrgb")).toEqual([
      { text: "red", style: { fgStyle: "rgb(255,0,0)" } },
      { text: " ", style: {} },
      { text: "rgb", style: { fgStyle: "rgb(1,2,3)" } },
    ]);
    expect(ansiRuns("\u001b[38;5;2mlow")).toEqual([{ text: "low", style: { fg: "32" } }]);
  });

  it("drops every other escape sequence (cursor moves, OSC titles) and never emits markup", () => {
    expect(stripAnsi("\u001b[2K\u001b[1G\u001b]0;title\u0007<b>done</b>")).toBe("<b>done</b>");
    expect(ansiRuns("\u001b[2K<script>")).toEqual([{ text: "<script>", style: {} }]);
  });
});
