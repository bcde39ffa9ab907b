package main

import (
	"fmt"
	"io"

	"github.com/ternant/ternant/version"
)

func init() {
	register("version", "print the version", func(args []string, stdout, _ io.Writer) error {
		fs := newFlags("version", "version", stdout, nil)
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
		}
		fmt.Fprintln(stdout, version.String())
		return nil
	})
}
