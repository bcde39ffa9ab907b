package controllers

import "fmt"

// errorf builds an error for eventually's retry loop.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
