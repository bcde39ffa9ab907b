package httpx

import (
	"net/netip"
	"strings"
	"testing"
)

func mustPrefixes(t *testing.T, s string) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, p := range strings.Split(s, ",") {
		out = append(out, netip.MustParsePrefix(strings.TrimSpace(p)))
	}
	return out
}
