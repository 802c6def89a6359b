// Package relate judges whether texts are related outside search: it
// links the paragraphs of a draft to the practices (cases) they relate
// to, finds similar practices of other counties, and tells which
// indicator tables a question asks about. It sits above the search index:
// the index retrieves candidates, this package weighs the evidence with
// one model of term specificity (package specificity).
package relate

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/segment"
	"github.com/shanxi-sme/kb/specificity"
)

// Index is what relatedness needs of the search index.
type Index interface {
	Library() *corpus.Library
	DocFreqs(ctx context.Context, terms []string) (map[string]uint64, uint64, error)
	MoreLike(ctx context.Context, q index.LikeQuery, size int) ([]index.LikeHit, error)
}

// Config is what an Engine is built from.
type Config struct {
	Index       Index
	Segmenter   *segment.Segmenter
	Concepts    *corpus.Thesaurus
	Places      *corpus.Gazetteer
	Themes      *corpus.Ontology
	Specificity *specificity.Model
	// Link and Similar are the evidence thresholds; zero values take
	// DefaultLinkParams and DefaultSimilarParams.
	Link    *LinkParams
	Similar *SimilarParams
}

// Engine answers relatedness questions over one index. It is safe for
// concurrent use.
type Engine struct {
	ix       Index
	seg      *segment.Segmenter
	concepts *corpus.Thesaurus
	places   *corpus.Gazetteer
	themes   *corpus.Ontology
	spec     *specificity.Model
	link     LinkParams
	similar  SimilarParams
	units    unitCache
	// indicators: the indicator names of the library last searched.
	indicators atomic.Pointer[indicatorCache]
}

// Errors callers tell apart.
var (
	ErrBadRequest = errors.New("bad request")
	ErrNotFound   = errors.New("not found")
)

// New returns an engine.
func New(cfg Config) (*Engine, error) {
	if cfg.Index == nil || cfg.Segmenter == nil || cfg.Concepts == nil || cfg.Places == nil || cfg.Themes == nil || cfg.Specificity == nil {
		return nil, errors.New("relate: config needs an index, a segmenter, concepts, places, themes and a specificity model")
	}
	e := &Engine{ix: cfg.Index, seg: cfg.Segmenter, concepts: cfg.Concepts, places: cfg.Places, themes: cfg.Themes,
		spec: cfg.Specificity, link: DefaultLinkParams, similar: DefaultSimilarParams}
	if cfg.Link != nil {
		e.link = *cfg.Link
	}
	if cfg.Similar != nil {
		e.similar = *cfg.Similar
	}
	return e, nil
}

// Library returns the passages of the index now.
func (e *Engine) Library() *corpus.Library { return e.ix.Library() }
