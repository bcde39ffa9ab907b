// Package version names the build: one version for the binary, the image and the chart.
package version

import "runtime/debug"

// Version is stamped at build time with -ldflags "-X github.com/ternant/ternant/version.Version=v1.2.3".
var Version = "dev"

// Commit is the VCS revision, stamped the same way when known.
var Commit = ""

// String is "VERSION (COMMIT)" or just VERSION.
func String() string {
	c := Commit
	if c == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					c = s.Value
				}
			}
		}
	}
	if c == "" {
		return Version
	}
	if len(c) > 12 {
		c = c[:12]
	}
	return Version + " (" + c + ")"
}
