import { describe, expect, it } from "vitest";
import { builderFlagProblem, splitBuilderFlags } from "./builder-flags.js";

// Each case is what moby/buildkit's extractBuilderFlags (frontend/dockerfile/parser/split_command.go) returns:
// the flag words BuildKit keeps, and the rest of the line.
describe("splitBuilderFlags, as BuildKit's extractBuilderFlags", () => {
  it.each([
    // the common form
    ["--from=build /out /app", ["--from=build"], "/out /app"],
    // `--flag value` with a space: the flag word ends at the space, the value starts the arguments
    // (BFlags.Parse then refuses it: "missing a value on flag")
    ["--from build /out /app", ["--from"], "build /out /app"],
    // `--` ends the flags and is no flag; what follows is the arguments even when it starts with --
    ["--chown=1 -- --weird /dst", ["--chown=1"], "--weird /dst"],
    ["-- --x", [], "--x"],
    // `--` at the end of the line: no flag, no arguments
    ["--link --", ["--link"], ""],
    // quotes are removed anywhere in the word, blanks inside them kept
    ['--mount=type=secret,id="my id" make', ["--mount=type=secret,id=my id"], "make"],
    ["--\"from\"='a b' x", ["--from=a b"], "x"],
    // a backslash escapes the next character, in and out of quotes (always \, whatever # escape= says)
    ["--chown=a\\ b x", ["--chown=a b"], "x"],
    ['--chown="a\\"b" x', ['--chown=a"b'], "x"],
    // an empty value is a value: --flag= (BFlags: "" for a string flag)
    ["--chmod= x", ["--chmod="], "x"],
    // a single dash is no flag
    ["-x y", [], "-x y"],
    // leading and trailing blanks
    ["   --link   /a /b  ", ["--link"], "/a /b"],
  ])("%s", (line, words, rest) => {
    const split = splitBuilderFlags(line);
    expect(split.words.map((w) => w.text)).toEqual(words);
    expect(split.rest).toBe(rest);
  });

  it("keeps each word as written and where it starts", () => {
    const split = splitBuilderFlags(`--a="x y"  --b c`);
    expect(split.words).toEqual([
      { raw: '--a="x y"', text: "--a=x y", start: 0 },
      { raw: "--b", text: "--b", start: 11 },
    ]);
    expect(split.restStart).toBe(15);
  });
});

// Each case is what BuildKit's BFlags.Parse (frontend/dockerfile/instructions/bflag.go) does with the flags that
// instructions/parse.go declares for the instruction: undefined where it accepts them.
describe("builderFlagProblem, as BuildKit's BFlags.Parse", () => {
  const problem = (keyword: string, line: string): string | undefined => builderFlagProblem(keyword, splitBuilderFlags(line))?.message;

  it.each([
    ["COPY", "--from=build --chown=1000:1000 --chmod=644 --link /a /b"],
    ["COPY", "--link=true --parents=FALSE /a /b"],
    ["COPY", "--exclude=*.md --exclude=*.txt /a /b"],
    ["RUN", "--mount=type=cache,target=/a --mount=type=secret,id=t --network=none make"],
    ["ADD", "--checksum=sha256:abc --keep-git-dir --unpack=false https://x/y.tar /y"],
    ["FROM", "--platform=$BUILDPLATFORM golang AS build"],
    ["HEALTHCHECK", "--interval=5s --timeout=3s --start-period=1s --start-interval=1s --retries=3 CMD true"],
    ["COPY", "--chmod= /a /b"],
    // no flag-parsing there: STOPSIGNAL, HEALTHCHECK NONE, ARG (ignored by the frontend Docker 20.10 ships), unknown instructions
    ["STOPSIGNAL", "--x SIGTERM"],
    ["HEALTHCHECK", "--interval NONE"],
    ["ARG", "--foo=1 NAME"],
    ["FOO", "--bar baz"],
    // `--` ends the flags: what follows is no flag
    ["CMD", "-- --help"],
  ])("%s %s: accepted", (keyword, line) => {
    expect(problem(keyword, line)).toBeUndefined();
  });

  it.each([
    // stringType without "=": "missing a value on flag"
    ["COPY", "--from build /out /app", 'COPY --from: expected a value, --from=<value>; found "--from" followed by "build"'],
    ["RUN", "--mount type=cache,target=/c make", 'RUN --mount: expected a value, --mount=<value>; found "--mount" followed by "type=cache,target=/c"'],
    ["HEALTHCHECK", "--interval --timeout=1s CMD true", 'HEALTHCHECK --interval: expected a value, --interval=<value>; found "--interval"'],
    // a flag the instruction does not declare: "unknown flag"
    ["COPY", "--form=build /a /b", 'COPY --form: BuildKit has no such flag on COPY: expected one of --from, --chown, --chmod, --link, --parents, --exclude, found "--form=build"'],
    ["CMD", "--help", 'CMD --help: BuildKit has no such flag on CMD: expected no flag, found "--help"'],
    ["ONBUILD", "--x RUN y", 'ONBUILD --x: BuildKit has no such flag on ONBUILD: expected no flag, found "--x"'],
    // a repeated flag that takes one value: "duplicate flag specified"
    ["COPY", "--from=a --from=b /x /y", 'COPY --from: given twice: expected it once, found "--from=a" and "--from=b"'],
    ["COPY", "--link --link /x /y", 'COPY --link: given twice: expected it once, found "--link" and "--link"'],
    // boolType: "=" with no value is "missing a value", any other value "expecting boolean value"
    ["COPY", "--link= /x /y", 'COPY --link: expected --link, --link=true or --link=false, found "--link="'],
    ["COPY", "--link=yes /x /y", 'COPY --link: expected --link, --link=true or --link=false, found "--link=yes"'],
  ])("%s %s: refused", (keyword, line, message) => {
    expect(problem(keyword, line)).toBe(message);
  });

  it("stops at the first flag it refuses, as BFlags.Parse does, and says where it starts", () => {
    const found = builderFlagProblem("COPY", splitBuilderFlags("--chown=1 --nope --from x /a /b"));
    expect(found).toMatchObject({ start: 10, message: expect.stringMatching(/^COPY --nope:/) as unknown });
  });
});
