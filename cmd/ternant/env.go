package main

import (
	"fmt"
	"io"

	"github.com/ternant/ternant/server/config"
)

// printEnv lists the environment variables the server configuration reads.
func printEnv(w io.Writer) {
	fmt.Fprintln(w, "\nEnvironment:")
	for _, v := range config.Vars {
		def := v.Default
		if def == "" {
			def = "unset"
		}
		fmt.Fprintf(w, "  %s (default %s)\n      %s\n", v.Name, def, v.Help)
	}
}
