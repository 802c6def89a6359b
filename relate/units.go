package relate

import (
	"fmt"
	"strings"
	"sync"

	"github.com/shanxi-sme/kb/corpus"
)

// unit is what a paragraph is linked to and what similar practices are
// made of: an experience case with all its measures, or a practice
// passage outside any case (a passage of a user's document about a county).
type unit struct {
	key      string
	passages []*corpus.Passage // in document order
	counties []string
	whole    *profile   // the case as a whole
	parts    []*profile // each passage
}

// unitKey groups the passages of one case; other passages stand alone.
func unitKey(p *corpus.Passage) string {
	if p.Case == nil {
		return p.ID
	}
	return fmt.Sprintf("%s#%d", p.DocID, p.Case.Number)
}

// isPractice tells a county's own practice (a case, or a passage of a
// general document about a county) from summaries that only name counties.
func isPractice(p *corpus.Passage) bool {
	return len(p.Counties) > 0 && (p.Case != nil || p.Kind == corpus.KindBody)
}

// maxCachedUnits bounds the unit cache; past it the cache starts over.
const maxCachedUnits = 4096

// unitCache keeps the profiles of units, for the library they came from:
// a new library (documents added or removed) starts a new cache.
type unitCache struct {
	mu    sync.Mutex
	lib   *corpus.Library
	units map[string]*unit
}

// unitOf returns the unit of a practice passage, profiling it on first use.
func (e *Engine) unitOf(lib *corpus.Library, p *corpus.Passage) *unit {
	key := unitKey(p)
	c := &e.units
	c.mu.Lock()
	if c.lib != lib || len(c.units) >= maxCachedUnits {
		c.lib, c.units = lib, map[string]*unit{}
	}
	u, ok := c.units[key]
	c.mu.Unlock()
	if ok {
		return u
	}
	u = e.buildUnit(lib, p, key)
	c.mu.Lock()
	if c.lib == lib {
		c.units[key] = u
	}
	c.mu.Unlock()
	return u
}

func (e *Engine) buildUnit(lib *corpus.Library, p *corpus.Passage, key string) *unit {
	u := &unit{key: key, passages: []*corpus.Passage{p}, counties: p.Counties}
	if ci, ok := lib.CaseOf(p); ok {
		u.passages = u.passages[:0]
		for _, id := range ci.Passages {
			if q, ok := lib.Passage(id); ok {
				u.passages = append(u.passages, q)
			}
		}
		if ci.County != "" {
			u.counties = []string{ci.County}
		}
	}
	var all strings.Builder
	if ci, ok := lib.CaseOf(p); ok {
		all.WriteString(ci.Title + "\n")
	}
	for _, q := range u.passages {
		all.WriteString(q.Text)
		all.WriteString("\n")
		u.parts = append(u.parts, e.profileOf(q.Text))
	}
	u.whole = e.profileOf(all.String())
	return u
}
