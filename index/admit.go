package index

import (
	"context"
	"runtime"
)

// searchSlots bounds the searches of an index that run at once to the
// number of cores. More would not finish sooner: they would share the
// cores, so that every search, the heavy ones most, takes several times
// its own time and the garbage of all of them is live at once. In line,
// each runs at full speed once it starts; under load the slow tail is
// shorter.
type searchSlots chan struct{}

func newSearchSlots() searchSlots { return make(searchSlots, max(2, runtime.GOMAXPROCS(0))) }

// admit waits for a search slot; the returned function frees it.
func (s searchSlots) admit(ctx context.Context) (func(), error) {
	select {
	case s <- struct{}{}:
		return func() { <-s }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
