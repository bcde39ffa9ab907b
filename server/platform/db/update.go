package db

import (
	"maps"
	"slices"
	"strings"
)

// Assignments turns column values into an UPDATE's "a = ?, b = ?" list (columns sorted, so the
// statement text is stable) and its arguments. Column names come from code, never from input.
func Assignments(set map[string]any) (string, []any) {
	cols := slices.Sorted(maps.Keys(set))
	parts := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		parts[i] = c + " = ?"
		args[i] = set[c]
	}
	return strings.Join(parts, ", "), args
}
