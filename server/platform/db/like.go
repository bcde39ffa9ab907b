package db

import "strings"

// likeEscaper escapes LIKE's wildcards and its escape character, so user input matches literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// ContainsPattern returns a LIKE pattern matching values that contain s literally ("50%" matches
// only a percent sign after 50, never any character). MySQL's default escape character is `\`.
func ContainsPattern(s string) string {
	return "%" + likeEscaper.Replace(s) + "%"
}
