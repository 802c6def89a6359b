package index

import (
	"context"
	"runtime"
)

// searchSlots bounds the searches that run at once to the number of
// cores. More would not finish sooner: they would share the cores, so
// that every search, the heavy ones most, takes several times its own
// time and the garbage of all of them is live at once. In line, each runs
// at full speed once it starts; under load the slow tail is shorter.
var searchSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// admit waits for a search slot; the returned function frees it.
func admit(ctx context.Context) (func(), error) {
	select {
	case searchSlots <- struct{}{}:
		return func() { <-searchSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
