// Command runc-wrapper is an OCI runtime that runs runc after taking out of a container's
// configuration what a host without CAP_SYS_RESOURCE in its bounding set cannot grant:
//
//   - CAP_SYS_RESOURCE is removed from every capability set of the process (privileged
//     containers, such as kind's nodes, ask for all capabilities, and runc fails with "unable
//     to apply caps: operation not permitted" when one of them is outside the bounding set);
//   - a negative oomScoreAdj is raised to 0 (lowering a score needs that capability; the
//     kubelet's critical pods ask for -997).
//
// It is dockerd's default runtime (--add-runtime, --default-runtime) and the runc binary of the
// containerd inside each kind node, so that both the nodes and their pods start on such a host.
// Every other call passes through to runc unchanged. hack/kind-images.sh builds and installs it.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// dropped is the capability the host cannot grant.
const dropped = "CAP_SYS_RESOURCE"

// runcCandidates are where the real runc is looked for, in order, unless RUNC_WRAPPER_RUNC names it.
var runcCandidates = []string{"/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc"}

// globalWithValue are runc's global flags that take a separate value.
var globalWithValue = map[string]bool{"--root": true, "--log": true, "--log-format": true, "--criu": true, "--rootless": true}

func main() {
	if err := rewrite(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "runc-wrapper: %v\n", err)
		os.Exit(1)
	}
	runc, err := realRunc()
	if err != nil {
		fmt.Fprintf(os.Stderr, "runc-wrapper: %v\n", err)
		os.Exit(1)
	}
	args := append([]string{"runc"}, os.Args[1:]...)
	if err := syscall.Exec(runc, args, os.Environ()); err != nil { //nolint:gosec // the real runc, with the arguments dockerd passed
		fmt.Fprintf(os.Stderr, "runc-wrapper: exec %s: %v\n", runc, err)
		os.Exit(1)
	}
}

// realRunc finds the runc binary to execute.
func realRunc() (string, error) {
	if p := os.Getenv("RUNC_WRAPPER_RUNC"); p != "" {
		return p, nil
	}
	for _, p := range runcCandidates {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("no runc among %v", runcCandidates)
}

// rewrite edits the files a runc command line reads: the bundle's config.json for create and
// run, the --process file for exec.
func rewrite(args []string) error {
	cmd, rest := subcommand(args)
	switch cmd {
	case "create", "run":
		bundle := flagValue(rest, "--bundle", "-b")
		if bundle == "" {
			bundle = "."
		}
		return editFile(filepath.Join(bundle, "config.json"), func(doc map[string]any) {
			if p, ok := doc["process"].(map[string]any); ok {
				fixProcess(p)
			}
		})
	case "exec":
		if p := flagValue(rest, "--process", "-p"); p != "" {
			return editFile(p, fixProcess)
		}
	}
	return nil
}

// subcommand returns runc's subcommand and the arguments after it.
func subcommand(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			return a, args[i+1:]
		}
		if globalWithValue[a] {
			i++
		}
	}
	return "", nil
}

// flagValue returns the value of a flag given as "--name v", "--name=v", "-n v" or "-n=v".
func flagValue(args []string, long, short string) string {
	for i, a := range args {
		for _, name := range []string{long, short} {
			if a == name && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, name+"="); ok {
				return v
			}
		}
	}
	return ""
}

// fixProcess removes the dropped capability and raises a negative oomScoreAdj in an OCI process
// object (the process of config.json, or an exec --process file).
func fixProcess(p map[string]any) {
	if caps, ok := p["capabilities"].(map[string]any); ok {
		for set, v := range caps {
			list, ok := v.([]any)
			if !ok {
				continue
			}
			kept := list[:0]
			for _, c := range list {
				if c != dropped {
					kept = append(kept, c)
				}
			}
			caps[set] = kept
		}
	}
	if n, ok := p["oomScoreAdj"].(json.Number); ok && strings.HasPrefix(n.String(), "-") {
		p["oomScoreAdj"] = json.Number("0")
	}
}

// editFile decodes a JSON object file, applies fix and writes it back in place, keeping numbers
// exactly as they were.
func editFile(path string, fix func(map[string]any)) error {
	raw, err := os.ReadFile(path) //nolint:gosec // the OCI bundle path dockerd passed
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	doc := map[string]any{}
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	fix(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	st, err := os.Stat(path) //nolint:gosec // the same file
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, out, st.Mode().Perm()); err != nil { //nolint:gosec // the same file
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
