/**
 * The generated completion scripts run in the real shells: zsh's completion system (compinit, in an interactive zsh
 * driven through a pseudo-terminal by zsh/zpty, Tab pressed) and fish's (`complete -C`, which asks fish what it
 * would offer). Service names come from the real `devloop __complete services` on a compose file; namespaces from a
 * stand-in for `devloop __complete namespaces` (the daemon's list), so no daemon is needed. bash's script is run in
 * cli-exit-codes.test.ts. zsh and fish come from scripts/install-test-deps.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../../bin/devloop.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "devloop-completion-"));
// A state directory of its own: no daemon runs there, and none is started.
const stateDir = mkdtempSync(join(tmpdir(), "devloop-completion-state-"));
const env = { ...process.env, NO_COLOR: "1", DEVLOOP_STATE_DIR: stateDir };
writeFileSync(join(dir, "compose.yml"), "name: shop\nservices:\n  web:\n    image: nginx\n  worker:\n    build: ./w\n  debug:\n    image: busybox\n    profiles: [debug]\n");
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

/** What each shell is asked to complete (the cursor at the end of the line) and what it must offer, sorted. */
const cases: readonly (readonly [string, readonly string[]])[] = [
  ["devloop ex", ["exec"]],
  ["devloop -f compose.yml logs w", ["web", "worker"]],
  ["devloop up --wa", ["--wait", "--wait-timeout"]],
  ["devloop up d", ["debug"]],
  ["devloop -n ", ["team-a", "team-b"]],
  ["devloop ns u", ["use"]],
  ["devloop completion ", ["bash", "fish", "zsh"]],
];

const script = (shell: string): string => {
  const run = spawnSync(process.execPath, [BIN, "completion", shell], { cwd: dir, env, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
};

const needShell = (shell: string): void => {
  if (spawnSync(shell, ["-c", "exit 0"]).status !== 0) throw new Error(`${shell} is not installed: run bash scripts/install-test-deps busybox`);
};

describe("completion in real shells", () => {
  beforeAll(() => {
    needShell("zsh");
    needShell("fish");
  });

  it("zsh: compinit registers _devloop, and Tab offers commands, flags, services and namespaces", () => {
    const completion = join(dir, "_devloop");
    writeFileSync(completion, script("zsh"));
    // Sourced inside the interactive zsh: the completion system, the script, and a compadd that prints what zsh
    // matched (the real compadd matches, through -A) between markers the driver waits for.
    writeFileSync(
      join(dir, "init.zsh"),
      `PROMPT=''
autoload -U compinit && compinit -u -D
devloop() { if [[ "$1 $2" == "__complete namespaces" ]]; then print -l team-a team-b; else ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"; fi }
source ${JSON.stringify(completion)}
print -r -- "REGISTERED:$_comps[devloop]"
compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits; builtin compadd -A hits "$@"
  (( $#hits )) && print -rl -- "MATCH:"\${^hits}
}
_dl_complete() { _main_complete "$@"; print -r -- "END-COMPLETION" }
zle -C dl-complete .complete-word _dl_complete
bindkey '^I' dl-complete
print -r -- READY
`,
    );
    writeFileSync(
      join(dir, "drive.zsh"),
      `zmodload zsh/zpty zsh/datetime
zpty z zsh -f -i
zpty -w z ${JSON.stringify(`source ${join(dir, "init.zsh")}`)}
local line; local -a out
read_until() {
  local deadline=$(( EPOCHREALTIME + 30 ))
  while (( EPOCHREALTIME < deadline )); do
    if zpty -r -t z line; then
      [[ $line == *$1* ]] && return 0
      [[ $line == *MATCH:* ]] && out+=("\${\${line#*MATCH:}//[$'\\r\\n']/}")
      [[ $line == REGISTERED:* ]] && print -r -- "\${line//[$'\\r\\n']/}"
    else
      sleep 0.05
    fi
  done
  return 1
}
read_until READY || { print "zsh did not start"; exit 2 }
for input in ${cases.map(([line]) => JSON.stringify(line)).join(" ")}; do
  out=()
  zpty -w -n z "$input"$'\\t'
  read_until END-COMPLETION || print -r -- "TIMEOUT $input"
  print -r -- "$input => \${(j:,:)out}"
  zpty -w -n z $'\\C-u'
done
zpty -d z
`,
    );
    const run = spawnSync("zsh", ["-f", join(dir, "drive.zsh")], { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
    expect(run.stdout).toContain("REGISTERED:_devloop");
    expect(run.stdout).not.toContain("TIMEOUT");
    const offered = new Map(run.stdout.split("\n").flatMap((text) => (text.includes(" => ") ? [[text.slice(0, text.indexOf(" => ")), text.slice(text.indexOf(" => ") + 4)] as const] : [])));
    for (const [line, expected] of cases) expect({ line, offered: [...new Set(offered.get(line)?.split(","))].sort() }, run.stderr).toEqual({ line, offered: expected });
  }, 120_000);

  it("fish: complete -C offers commands, flags, services and namespaces", () => {
    const completion = join(dir, "devloop.fish");
    writeFileSync(completion, script("fish"));
    const asks = cases.map(([line]) => `echo ${JSON.stringify(`== ${line}`)}; complete -C${JSON.stringify(line).replace(/\$/g, "\\$")}`).join("\n");
    const program = `function devloop
  if test "$argv[1]" = __complete -a "$argv[2]" = namespaces
    printf '%s\\n' team-a team-b
  else
    ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} $argv
  end
end
source ${JSON.stringify(completion)}
${asks}
`;
    const run = spawnSync("fish", ["--no-config", "-c", program], { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const offered = new Map<string, string[]>();
    let current: string[] = [];
    for (const text of run.stdout.split("\n")) {
      if (text.startsWith("== ")) offered.set(text.slice(3), (current = []));
      else if (text !== "") current.push(text.split("\t")[0] ?? "");
    }
    for (const [line, expected] of cases) expect({ line, offered: [...new Set(offered.get(line))].sort() }).toEqual({ line, offered: expected });
  }, 120_000);
});
