/**
 * devloop completion bash | zsh | fish: a completion script generated from the command definitions (main.ts), so
 * it never drifts from them. Service names and namespaces come from `devloop __complete services|namespaces`:
 * services from the compose project in the working directory (no daemon needed), namespaces from the daemon's
 * list (nothing when none runs).
 */
import type { Command, Option } from "commander";
import { loadComposeModel } from "../../../daemon/src/project/load-compose.js";
import { nodeProjectFiles } from "../../../daemon/src/project/node-project-files.js";
import { connectDaemon } from "../client.js";
import { type ComposeFlags, toLoadOptions } from "../compose-options.js";
import { ExitCode } from "../output.js";
import { UserError } from "../user-error.js";

export interface CompletionSpec {
  /** Global options (before the command). */
  readonly globals: readonly string[];
  readonly commands: readonly { readonly name: string; readonly description: string; readonly flags: readonly string[]; readonly services: boolean }[];
}

const flagsOf = (options: readonly Option[]): string[] => options.flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined));

/** Commands whose positional arguments are service names. */
const takesServices = new Set(["render", "validate", "config", "doctor", "up", "logs", "restart", "resync", "rebuild", "ps", "exec", "port", "run", "build"]);

export const completionSpec = (program: Command): CompletionSpec => ({
  globals: flagsOf(program.options),
  commands: program.commands
    .filter((c) => !c.name().startsWith("__"))
    .map((c) => ({ name: c.name(), description: c.description().replace(/[`'"\\$]/g, ""), flags: flagsOf(c.options), services: takesServices.has(c.name()) })),
});

const namespaceFlags = ["-n", "--namespace"];

export const bashScript = (spec: CompletionSpec): string => `# devloop bash completion: source it, or put it in /etc/bash_completion.d/devloop
_devloop() {
  local cur prev cmd i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -f|--file|-p|--project-name|--profile|--env-file|--project-directory|--context|--kubeconfig|-n|--namespace) ((i++)) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$prev" in
    ${namespaceFlags.join("|")}) COMPREPLY=($(compgen -W "$(devloop __complete namespaces 2>/dev/null)" -- "$cur")); return ;;
    -f|--file|--env-file|--kubeconfig|-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --project-directory) COMPREPLY=($(compgen -d -- "$cur")); return ;;
  esac
  if [[ -z "$cmd" ]]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${spec.globals.join(" ")}" -- "$cur"));
    else COMPREPLY=($(compgen -W "${spec.commands.map((c) => c.name).join(" ")}" -- "$cur")); fi
    return
  fi
  case "$cmd" in
${spec.commands
  .map((c) => `    ${c.name}) if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${c.flags.join(" ")}" -- "$cur"));${c.services ? ` else COMPREPLY=($(compgen -W "$(devloop __complete services 2>/dev/null)" -- "$cur"));` : c.name === "completion" ? ` else COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur"));` : c.name === "ns" ? ` else COMPREPLY=($(compgen -W "list use current $(devloop __complete namespaces 2>/dev/null)" -- "$cur"));` : ""} fi ;;`)
  .join("\n")}
  esac
}
complete -o default -F _devloop devloop
`;

export const zshScript = (spec: CompletionSpec): string => `#compdef devloop
# devloop zsh completion: put it on $fpath as _devloop (or: source <(devloop completion zsh))
_devloop() {
  local -a commands
  commands=(
${spec.commands.map((c) => `    '${c.name}:${c.description.replace(/:/g, "\\:")}'`).join("\n")}
  )
  local cmd="" i=2
  while (( i < CURRENT )); do
    case "\${words[i]}" in
      -f|--file|-p|--project-name|--profile|--env-file|--project-directory|--context|--kubeconfig|-n|--namespace) (( i++ )) ;;
      -*) ;;
      *) cmd="\${words[i]}"; break ;;
    esac
    (( i++ ))
  done
  case "\${words[CURRENT-1]}" in
    -n|--namespace) compadd -- \${(f)"$(devloop __complete namespaces 2>/dev/null)"}; return ;;
    -f|--file|--env-file|--kubeconfig|-o|--output) _files; return ;;
    --project-directory) _directories; return ;;
  esac
  if [[ -z "$cmd" ]]; then
    if [[ "$PREFIX" == -* ]]; then compadd -- ${spec.globals.join(" ")}; else _describe command commands; fi
    return
  fi
  case "$cmd" in
${spec.commands
  .map((c) => `    ${c.name}) if [[ "$PREFIX" == -* ]]; then compadd -- ${c.flags.join(" ")};${c.services ? ` else compadd -- \${(f)"$(devloop __complete services 2>/dev/null)"};` : c.name === "completion" ? " else compadd -- bash zsh fish;" : c.name === "ns" ? ` else compadd -- list use current \${(f)"$(devloop __complete namespaces 2>/dev/null)"};` : ""} fi ;;`)
  .join("\n")}
  esac
}
if [[ "$funcstack[1]" == "_devloop" ]]; then _devloop "$@"; else compdef _devloop devloop; fi
`;

const fishLong = (flag: string): string => (flag.startsWith("--") ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`);

export const fishScript = (spec: CompletionSpec): string => {
  const names = spec.commands.map((c) => c.name).join(" ");
  const lines = [
    "# devloop fish completion: put it in ~/.config/fish/completions/devloop.fish",
    "complete -c devloop -f",
    ...spec.globals.filter((f) => !namespaceFlags.includes(f)).map((f) => `complete -c devloop -n "not __fish_seen_subcommand_from ${names}" ${fishLong(f)}`),
    // -n takes a namespace, before the command or after it (up, down, render).
    `complete -c devloop -s n -l namespace -x -a "(devloop __complete namespaces 2>/dev/null)"`,
    ...spec.commands.map((c) => `complete -c devloop -n "not __fish_seen_subcommand_from ${names}" -a ${c.name} -d '${c.description.replace(/'/g, "")}'`),
    ...spec.commands.flatMap((c) => [
      ...c.flags.map((f) => `complete -c devloop -n "__fish_seen_subcommand_from ${c.name}" ${fishLong(f)}`),
      ...(c.services ? [`complete -c devloop -n "__fish_seen_subcommand_from ${c.name}" -a "(devloop __complete services 2>/dev/null)"`] : []),
    ]),
    `complete -c devloop -n "__fish_seen_subcommand_from completion" -a "bash zsh fish"`,
    `complete -c devloop -n "__fish_seen_subcommand_from ns" -a "list use current (devloop __complete namespaces 2>/dev/null)"`,
  ];
  return `${lines.join("\n")}\n`;
};

interface HasParent {
  readonly parent: Command | null;
}

export const completionCommand = (shell: string, _flags: unknown, command: HasParent): Promise<number> => {
  const program = command.parent;
  if (program === null) throw new Error("completion: no program");
  const spec = completionSpec(program);
  const scripts: Record<string, (s: CompletionSpec) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };
  const script = scripts[shell];
  if (script === undefined) throw new UserError(`devloop completion: expected bash, zsh or fish; got "${shell}"`);
  process.stdout.write(script(spec));
  return Promise.resolve(ExitCode.ok);
};

/** Names for the completion scripts: quiet, exit 0 with nothing when there is nothing to offer. */
export const completeCommand = async (what: string, flags: Partial<ComposeFlags>): Promise<number> => {
  if (what === "services") {
    const loaded = loadComposeModel(nodeProjectFiles, toLoadOptions({ file: flags.file ?? [], profile: ["*"], envFile: flags.envFile ?? [], ...(flags.projectDirectory === undefined ? {} : { projectDirectory: flags.projectDirectory }) }, []));
    if (loaded.ok) process.stdout.write(Object.keys(loaded.project.services).map((s) => `${s}\n`).join(""));
    return ExitCode.ok;
  }
  if (what === "namespaces") {
    const names = await connectDaemon({ start: false }).then((c) => c.namespaces()).then((list) => list.map((n) => n.name), () => [] as string[]);
    process.stdout.write(names.map((n) => `${n}\n`).join(""));
    return ExitCode.ok;
  }
  throw new UserError(`expected services or namespaces; got "${what}"`);
};
