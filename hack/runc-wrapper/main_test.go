package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestSubcommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		cmd  string
	}{
		{[]string{"create", "--bundle", "/b", "id"}, "create"},
		{[]string{"--root", "/run/runc", "--log", "/l", "--systemd-cgroup", "exec", "--process", "/p", "id"}, "exec"},
		{[]string{"--log-format=json", "run", "id"}, "run"},
		{[]string{"--version"}, ""},
	} {
		if cmd, _ := subcommand(tc.args); cmd != tc.cmd {
			t.Errorf("subcommand(%v) = %q, want %q", tc.args, cmd, tc.cmd)
		}
	}
}

func TestFlagValue(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bundle", "/b", "id"}, "/b"},
		{[]string{"-b", "/b", "id"}, "/b"},
		{[]string{"--bundle=/b", "id"}, "/b"},
		{[]string{"--pid-file", "/x", "id"}, ""},
	} {
		if got := flagValue(tc.args, "--bundle", "-b"); got != tc.want {
			t.Errorf("flagValue(%v) = %q, want %q", tc.args, got, tc.want)
		}
	}
}

// TestRewriteCreate edits a bundle's config.json as runc create would read it: CAP_SYS_RESOURCE
// leaves every set, the other capabilities and fields stay, a negative OOM score becomes 0.
func TestRewriteCreate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		oom     string
		wantOOM string
	}{
		{"negative score raised", `-997`, `0`},
		{"positive score kept", `500`, `500`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			caps := `["CAP_CHOWN","CAP_SYS_RESOURCE","CAP_NET_ADMIN"]`
			cfg := `{"ociVersion":"1.0.2","process":{"oomScoreAdj":` + tc.oom + `,"user":{"uid":0,"gid":0},"capabilities":{"bounding":` + caps +
				`,"effective":` + caps + `,"permitted":` + caps + `}},"linux":{"resources":{"memory":{"limit":9223372036854775807}}}}`
			if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := rewrite([]string{"--root", "/run/runc", "create", "--bundle", dir, "ctr"}); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "config.json"))
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Process struct {
					OOMScoreAdj  json.Number         `json:"oomScoreAdj"`
					Capabilities map[string][]string `json:"capabilities"`
				} `json:"process"`
				Linux struct {
					Resources struct {
						Memory struct {
							Limit json.Number `json:"limit"`
						} `json:"memory"`
					} `json:"resources"`
				} `json:"linux"`
			}
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			if got.Process.OOMScoreAdj.String() != tc.wantOOM {
				t.Errorf("oomScoreAdj %s, want %s", got.Process.OOMScoreAdj, tc.wantOOM)
			}
			for set, list := range got.Process.Capabilities {
				if !slices.Equal(list, []string{"CAP_CHOWN", "CAP_NET_ADMIN"}) {
					t.Errorf("%s capabilities %v", set, list)
				}
			}
			if got.Linux.Resources.Memory.Limit.String() != "9223372036854775807" {
				t.Errorf("a large number changed: %s", got.Linux.Resources.Memory.Limit)
			}
		})
	}
}

// TestRewriteExec edits the --process file of runc exec (a process object at the top level).
func TestRewriteExec(t *testing.T) {
	p := filepath.Join(t.TempDir(), "process.json")
	if err := os.WriteFile(p, []byte(`{"args":["sh"],"capabilities":{"bounding":["CAP_SYS_RESOURCE","CAP_KILL"]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := rewrite([]string{"exec", "--process", p, "ctr"}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(p)
	var got struct {
		Args         []string            `json:"args"`
		Capabilities map[string][]string `json:"capabilities"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Capabilities["bounding"], []string{"CAP_KILL"}) || !slices.Equal(got.Args, []string{"sh"}) {
		t.Errorf("process after rewrite: %s", raw)
	}
}
