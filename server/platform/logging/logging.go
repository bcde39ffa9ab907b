// Package logging builds the process logger: log/slog, JSON in production, readable text in
// development, and with a log directory also rotating files error.log (errors), warn.log (warnings
// and errors) and combined.log (everything at the configured level).
package logging

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Options select the logger's shape.
type Options struct {
	Level string // debug | info | warn | error
	JSON  bool   // JSON lines (production) or text (development)
	Dir   string // when set, also write rotating files here
	Out   io.Writer
}

// Rotation limits for the files under Dir (the seed document's figures).
const (
	maxFileMB  = 10
	maxBackups = 7
	maxAgeDays = 30
)

// New returns the logger and a closer for its files.
func New(o Options) (*slog.Logger, io.Closer, error) {
	level, err := ParseLevel(o.Level)
	if err != nil {
		return nil, nil, err
	}
	out := o.Out
	if out == nil {
		out = os.Stderr
	}
	mk := func(w io.Writer, min slog.Level) slog.Handler {
		opts := &slog.HandlerOptions{Level: min}
		if o.JSON {
			return slog.NewJSONHandler(w, opts)
		}
		return slog.NewTextHandler(w, opts)
	}
	handlers := []slog.Handler{mk(out, level)}
	var closers multiCloser
	if o.Dir != "" {
		if err := os.MkdirAll(o.Dir, 0o750); err != nil {
			return nil, nil, fmt.Errorf("log dir %s: %w", o.Dir, err)
		}
		for _, f := range []struct {
			name string
			min  slog.Level
		}{{"error.log", slog.LevelError}, {"warn.log", slog.LevelWarn}, {"combined.log", level}} {
			lj := &lumberjack.Logger{
				Filename: filepath.Join(o.Dir, f.name), MaxSize: maxFileMB, MaxBackups: maxBackups,
				MaxAge: maxAgeDays, Compress: true,
			}
			closers = append(closers, lj)
			// Files are always JSON: they are read by machines.
			handlers = append(handlers, slog.NewJSONHandler(lj, &slog.HandlerOptions{Level: max(f.min, level)}))
		}
	}
	if len(handlers) == 1 {
		return slog.New(handlers[0]), closers, nil
	}
	return slog.New(fanout(handlers)), closers, nil
}

// ParseLevel maps LOG_LEVEL's words to slog levels.
func ParseLevel(s string) (slog.Level, error) {
	switch s {
	case "", "info":
		return slog.LevelInfo, nil
	case "debug":
		return slog.LevelDebug, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("unknown log level %q (want debug, info, warn or error)", s)
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var errs []error
	for _, c := range m {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// fanout sends each record to every handler that accepts its level.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			errs = append(errs, h.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errs...)
}

func (f fanout) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}
