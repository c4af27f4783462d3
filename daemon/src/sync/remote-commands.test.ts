import { describe, expect, it } from "vitest";
import { chunkByArgBytes, listCommand, syncCommand } from "./remote-commands.js";

describe("remote commands", () => {
  it("passes paths as arguments, never in the script; each directory's deletes together", () => {
    const cmd = syncCommand("/app/", 1024, ["a b", "$(reboot)", "d/x", "c", "d/y"]);
    expect(cmd.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(cmd[2]).toContain('rmall "$@" || exit 1');
    expect(cmd.slice(3)).toEqual(["/app", "$(reboot)", "a b", "c", "d/x", "d/y"]);
  });
  it("leaves out the steps it does not need", () => {
    expect(syncCommand("/app", 0, ["x"])[2]).not.toContain("apply");
    expect(syncCommand("/app", 10, [])[2]).not.toContain("rmall");
    expect(syncCommand("/app", 10, [])[2]).toContain("apply || x=$?");
  });
  it("with staged files, reads the rename list (read builtin, no process) before the records", () => {
    const cmd = syncCommand("/app", 1024, ["a b"], false, 7);
    expect(cmd.slice(3)).toEqual(["/app", "a b"]);
    expect(cmd[2]).toContain('names=; i=0; while [ "$i" -lt 7 ] && IFS= read -r f; do');
    const script = cmd[2] ?? "";
    expect(script.indexOf("IFS= read -r f")).toBeLessThan(script.indexOf("apply || x=$?"));
    expect(cmd[2]).toContain('exec mv -f -T -- "$R/$s" "$fb"');
    expect(syncCommand("/app", 1024, [], true, 7)[2]).toContain("head -c 1024 | { gzip -d -c | apply;");
  });
  it("refuses escaping deletes and targets", () => {
    expect(() => syncCommand("/app", 0, ["../etc"])).toThrow(/refusing to delete "\.\.\/etc"/);
    expect(() => syncCommand("/", 0, [])).toThrow(/root/);
    expect(() => listCommand("relative")).toThrow(/absolute/);
  });
  it("chunks long delete lists by argument bytes", () => {
    const rels = Array.from({ length: 5000 }, (_, i) => `dir/file-${i}.txt`);
    const groups = chunkByArgBytes(rels, 48 * 1024);
    expect(groups.flat()).toEqual(rels);
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) expect(g.reduce((n, r) => n + r.length + 16, 0)).toBeLessThanOrEqual(48 * 1024);
  });
});
