package controllers

import (
	"io"
	"log/slog"
	"os"

	"github.com/go-logr/logr"
)

// ctrlLogger logs the operator's errors during tests (set TEST_OPERATOR_LOG=debug for everything).
func ctrlLogger() logr.Logger {
	level := slog.LevelError
	var out io.Writer = os.Stderr
	if os.Getenv("TEST_OPERATOR_LOG") == "debug" {
		level = slog.LevelDebug
	}
	return logr.FromSlogHandler(slog.NewTextHandler(out, &slog.HandlerOptions{Level: level}))
}
