//go:build !noembed

package propertytest_test

import (
	"context"
	"testing"

	"github.com/ternant/ternant/internal/propertytest"
	"github.com/ternant/ternant/server/platform/embedded"
	"github.com/ternant/ternant/server/servertest"
)

func TestWalkthroughOnMariaDB(t *testing.T) {
	propertytest.Walkthrough(t, propertytest.Start(t))
}

// The embedded development engine must serve the same scenario (`make run` uses it).
func TestWalkthroughOnEmbeddedEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the embedded engine")
	}
	st, err := embedded.Start(context.Background(), "ternant")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	inst := servertest.StartWith(t, st.DSN, st.RedisAddr, "", true, nil)
	propertytest.Walkthrough(t, propertytest.StartOn(t, inst))
}
