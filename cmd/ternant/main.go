// Command ternant is the whole platform in one binary: the API server, schema migrations, the
// Kubernetes operator, demo and bulk seeding, and scheduled jobs.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

// commands is the dispatch table; each subcommand lives in its own file.
var commands = map[string]command{}

func register(name, summary string, run func(args []string, stdout, stderr io.Writer) error) {
	commands[name] = command{summary: summary, run: run}
}

// usageError makes main exit 2 with its one-line message.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "ternant: unknown command %q (see ternant --help)\n", args[0])
		return 2
	}
	err := cmd.run(args[1:], stdout, stderr)
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "ternant %s: %s\n", args[0], ue.msg)
		return 2
	default:
		fmt.Fprintf(stderr, "ternant %s: %v\n", args[0], err)
		return 1
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "ternant: property-management platform (API server, migrations, operator, jobs)")
	fmt.Fprintln(w, "\nUsage: ternant <command> [flags]   (ternant <command> --help for its flags)\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}

// newFlags makes a flag set that reports errors instead of exiting, with usage text that lists the
// command's flags and, when env is true, the environment variables it reads.
func newFlags(name, usage string, stdout io.Writer, env func(io.Writer)) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: ternant %s\n", usage)
		fs.SetOutput(stdout)
		fmt.Fprintln(stdout, "\nFlags:")
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if env != nil {
			env(stdout)
		}
	}
	return fs
}

// parseFlags parses args; a bad flag is a usage error (exit 2), --help prints usage (exit 0).
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return flag.ErrHelp // the flag package has already printed fs.Usage
	}
	if err != nil {
		return usageError{strings.TrimSpace(err.Error())}
	}
	return nil
}
