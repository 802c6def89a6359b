package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// eachPosting calls term for every term of field in seg, then the function
// it returns for every document of seg that holds the term, by its number
// in the segment. Deleted documents are included: they match no search,
// and the tables built from here are read only for matches.
//
// The facet table is built from the postings rather than document by
// document: a keyword field holds a few hundred distinct values, so
// walking its postings lists touches each (value, document) pair once,
// while reading doc values decodes a compressed chunk and looks the field
// up by name for every document.
func eachPosting(seg segment.Segment, field string, term func(string) (func(doc uint64), error)) error {
	var (
		pl segment.PostingsList
		it segment.PostingsIterator
	)
	dict, err := seg.Dictionary(field)
	if err != nil {
		return fmt.Errorf("read the terms of %s: %w", field, err)
	}
	terms := dict.AutomatonIterator(nil, nil, nil)
	for {
		e, err := terms.Next()
		if err != nil {
			return fmt.Errorf("read the terms of %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
			return fmt.Errorf("read the postings of %s: %w", field, err)
		}
		doc, err := term(e.Term)
		if err != nil {
			return err
		}
		it = pl.Iterator(false, false, false, it)
		for {
			p, err := it.Next()
			if err != nil {
				return fmt.Errorf("read the postings of %s: %w", field, err)
			}
			if p == nil {
				break
			}
			doc(p.Number())
		}
	}
}

// documentNumbers is the number of document numbers of snap, deleted
// documents included: the length of a table by document number.
func documentNumbers(snap *scorch.IndexSnapshot) uint64 {
	var n uint64
	for _, s := range snap.Segments() {
		n += uint64(s.FullSize())
	}
	return n
}
