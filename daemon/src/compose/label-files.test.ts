import { describe, expect, it } from "vitest";
import { parseLabelFile } from "./label-files.js";

describe("parseLabelFile", () => {
  it("reads key=value lines literally, as Docker's --label-file does", () => {
    const text = "# comment\n\ncom.example.a=1\n  com.example.b = spaced value \ncom.example.q=\"kept\"\nurl=http://x/?a=b\nflag\r\ncom.example.a=2\n";
    expect(parseLabelFile(text)).toEqual({
      "com.example.a": "2",
      "com.example.b": " spaced value ",
      "com.example.q": '"kept"',
      url: "http://x/?a=b",
      flag: "",
    });
  });

  it("is empty for an empty file or one with comments only", () => {
    expect(parseLabelFile("")).toEqual({});
    expect(parseLabelFile("# nothing\n   # here\n")).toEqual({});
  });
});
