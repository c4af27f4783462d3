import { describe, expect, it } from "vitest";
import { LexError, expandHeredoc, expandWord, plainWords, processWord, rawWords, unquote } from "./shell-lex.js";

describe("BuildKit's Dockerfile shell lexer", () => {
  it.each([
    ["RUN cat <<EOF > /x", ["RUN", "cat", "<<EOF", ">", "/x"]],
    ["RUN echo '<<EOF' \"a b\"", ["RUN", "echo", "'<<EOF'", '"a b"']],
    ["RUN a\\ b <<-\"E F\"", ["RUN", "a\\ b", '<<-"E F"']],
    ["COPY << EOF /x", ["COPY", "<<EOF", "/x"]],
    ["RUN echo $HOME ${X:-y}", ["RUN", "echo", "$HOME", "${X:-y}"]],
    ["RUN echo 'unterminated", []],
  ])("rawWords %s", (line, words) => {
    expect(rawWords(line)).toEqual(words);
  });

  it("plainWords removes quotes and applies escapes (a heredoc delimiter's name)", () => {
    expect(plainWords('"EOF"')).toEqual(["EOF"]);
    expect(plainWords("'E'OF")).toEqual(["EOF"]);
    expect(plainWords('"EOF"', true)).toEqual(['"EOF"']);
    expect(plainWords("E\\OF")).toEqual(["EOF"]);
  });

  it("expandWord: ENV/ARG values, quotes processed, unset is empty", () => {
    const env = { A: "1", E: "" };
    expect(expandWord('"$A x" \'$A\' ${A}${B}', env)).toBe("1 x $A 1");
    expect(expandWord("${B:-d} ${E:-d} ${E-d} ${A:+s} ${B+s}", env)).toBe("d d  s ");
    expect(expandWord("\\$A", env)).toBe("$A");
  });

  it("expandHeredoc: quotes are text, \\ escapes, unset stays as written, $1 and $@ too", () => {
    const env = { A: "v", P: "a/b/c.tar.gz" };
    expect(expandHeredoc("'$A' \"$A\" \\$A \\\\ a\\nb $B ${B} $1 $@ $", env)).toBe("'v' \"v\" $A \\ anb $B ${B} $1 $@ $");
    expect(expandHeredoc("${P##*/} ${P#*/} ${P%%.*} ${P%.*} ${P/a/X} ${P//[a]/X}", env)).toBe("c.tar.gz b/c.tar.gz a/b/c a/b/c.tar X/b/c.tar.gz a/b/c.tar.gz");
    expect(expandHeredoc("${P//a/X}", env)).toBe("X/b/c.tXr.gz");
  });

  it.each([["${"], ["${}"], ["${A"], ["${A:x}"]])("%s is a lexing error", (text) => {
    expect(() => expandHeredoc(text, { A: "1" })).toThrow(LexError);
  });

  it.each([
    ["$A", "a"],
    ["${A}-x", "a-x"],
    ["${E:-d}", "d"],
    ["${E-d}", ""],
    ["${M:-d}", "d"],
    ["${A:+alt}", "alt"],
    ["${M:+alt}", ""],
    ["\\$A", "$A"],
  ])("processWord (FROM, ARG defaults) %s → %s", (text, value) => {
    expect(processWord(text, { A: "a", E: "" }).value).toBe(value);
  });

  it("processWord lists the variables read and those that had no value", () => {
    expect(processWord("${X}/${A}", { A: "a" })).toMatchObject({ value: "/a", unresolved: ["X"], used: ["X", "A"] });
    expect(processWord("${X:-d}", {}).unresolved).toEqual([]);
  });

  it("the Dockerfile's escape character: ` with # escape=`", () => {
    expect(processWord("`$A-\\$A", { A: "a" }, "`").value).toBe("$A-\\a");
    expect(unquote('"two words" `$A', "`")).toBe("two words $A");
  });

  it("unquote removes quotes and applies escapes, $ stays", () => {
    expect(unquote(`"a b" 'c' $D \\e`)).toBe("a b c $D e");
  });
});
