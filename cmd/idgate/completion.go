package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// subcommands lists each command's subcommands, for completion.
var subcommands = map[string][]string{
	"serve": nil, "migrate": nil, "verify": nil, "version": nil, "completion": {"bash", "zsh"},
	"registry": {"import"}, "sandbox": {"list"}, "keys": {"create", "list", "revoke"},
	"wallet": {"balance", "topup"}, "tenants": {"create", "list"}, "idnumber": {"validate"}, "name": {"score"},
	"audit": {"verify"}, "face": {"compare", "liveness", "eval"}, "admin": {"create", "password", "disable", "enable", "list"},
}

func runCompletion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("completion", "completion bash|zsh", `  source <(idgate completion bash)
  idgate completion zsh > "${fpath[1]}/_idgate"
`, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "bash" && fs.Arg(0) != "zsh") {
		return usageError{fmt.Errorf("give the shell: bash or zsh")}
	}
	var cmds []string
	var cases strings.Builder
	for _, c := range sortedKeys(subcommands) {
		cmds = append(cmds, c)
		if subs := subcommands[c]; len(subs) > 0 {
			fmt.Fprintf(&cases, "    %s) COMPREPLY=($(compgen -W %q -- \"$cur\")) ;;\n", c, strings.Join(subs, " "))
		}
	}
	script := fmt.Sprintf(`# bash completion for idgate
_idgate() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W %q -- "$cur")); return
  fi
  if [ "$COMP_CWORD" -eq 2 ]; then
    case ${COMP_WORDS[1]} in
%s    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _idgate idgate
`, strings.Join(cmds, " "), cases.String())
	if fs.Arg(0) == "zsh" {
		script = "#compdef idgate\nautoload -U +X bashcompinit && bashcompinit\n" + script
	}
	_, err := io.WriteString(stdout, script)
	return err
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
