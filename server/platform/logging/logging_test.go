package logging

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRotatingFilesSplitByLevel(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	log, closer, err := New(Options{Level: "info", JSON: false, Dir: dir, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hidden")
	log.Info("hello", "k", 1)
	log.Warn("careful")
	log.Error("broken")
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"combined.log": {"hello", "careful", "broken"},
		"warn.log":     {"careful", "broken"},
		"error.log":    {"broken"},
	}
	for file, msgs := range want {
		raw, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		if len(lines) != len(msgs) {
			t.Fatalf("%s has %d lines, want %d: %s", file, len(lines), len(msgs), raw)
		}
		for i, l := range lines {
			var rec map[string]any
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatalf("%s line %d is not JSON: %s", file, i, l)
			}
			if rec["msg"] != msgs[i] {
				t.Errorf("%s line %d msg %v, want %s", file, i, rec["msg"], msgs[i])
			}
		}
	}
	if strings.Contains(out.String(), "hidden") || !strings.Contains(out.String(), "msg=hello") {
		t.Errorf("console (text) output: %s", out.String())
	}
}

func TestJSONConsoleAndBadLevel(t *testing.T) {
	var out bytes.Buffer
	log, _, err := New(Options{Level: "warn", JSON: true, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	log.Info("no")
	log.Warn("yes")
	if strings.Contains(out.String(), `"no"`) || !strings.Contains(out.String(), `"msg":"yes"`) {
		t.Errorf("output %s", out.String())
	}
	if _, _, err := New(Options{Level: "loud"}); err == nil {
		t.Error("bad level accepted")
	}
}
