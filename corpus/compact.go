package corpus

import "slices"

// Compact makes d share the storage of the strings it repeats, for a
// document that lives in the library for the life of the process. A
// decoded document holds its own copy of every string: each passage
// repeats its document's ID, its headings and its case, and its tags name
// a few dozen counties and themes. Compact keeps one copy per distinct
// value and makes the passages of a case share one CaseRef. Passage text
// is left alone: it is not repeated.
//
// The document's own strings (IDs, headings, titles, labels) repeat only
// within it and are shared through a table of its own, dropped when
// Compact returns; the vocabulary's values (kinds, places, themes,
// policies, issuers) repeat across documents and are shared through
// vocab, which a caller keeps across the documents it loads. Keeping the
// two apart keeps vocab small: with every heading and label in it, it
// grew to millions of entries at 10⁶ passages and its lookups took half
// as long as decoding.
//
// The library of 10⁵ stored passages goes from 133 to 93 MB
// (BENCHMARKS.md), and the garbage collector's target follows it.
// Compact changes no value, only where values are stored; call it before
// d is shared. vocab may be nil: values are then shared within d only.
func (d *Document) Compact(vocab *Interner) {
	own := NewInterner()
	if vocab == nil {
		vocab = own
	}
	cases := map[CaseRef]*CaseRef{}
	d.ID, d.Title, d.Issuer = own.String(d.ID), own.String(d.Title), vocab.String(d.Issuer)
	var prev Passage
	for _, p := range d.Passages {
		p.ID, p.DocID = own.String(p.ID), own.String(p.DocID)
		p.Kind = Kind(vocab.String(string(p.Kind)))
		own.strings(p.HeadingPath)
		p.Title, p.Label = own.String(p.Title), own.String(p.Label)
		vocab.strings(p.Counties)
		vocab.strings(p.Cities)
		vocab.strings(p.Themes)
		vocab.strings(p.Policies)
		// The passages of a case mostly carry the same tags: they share
		// the previous passage's list when equal (capped, so that an
		// append copies rather than writes into a neighbour's).
		p.Counties = sameList(p.Counties, prev.Counties)
		p.Cities = sameList(p.Cities, prev.Cities)
		p.Themes = sameList(p.Themes, prev.Themes)
		p.Policies = sameList(p.Policies, prev.Policies)
		prev = *p
		if p.Case != nil {
			key := CaseRef{Number: p.Case.Number, Title: own.String(p.Case.Title), County: vocab.String(p.Case.County)}
			if shared, ok := cases[key]; ok {
				p.Case = shared
			} else {
				*p.Case = key
				cases[key] = p.Case
			}
		}
	}
	var walk func([]*Section)
	walk = func(secs []*Section) {
		for _, s := range secs {
			s.Title = own.String(s.Title)
			own.strings(s.Passages)
			walk(s.Sections)
		}
	}
	walk(d.Sections)
	for _, c := range d.Cases {
		c.Title, c.County, c.City = own.String(c.Title), vocab.String(c.County), vocab.String(c.City)
		vocab.strings(c.Themes)
		own.strings(c.Passages)
	}
	for _, in := range d.Indicators {
		for i := range in.Rows {
			in.Rows[i].County, in.Rows[i].City = vocab.String(in.Rows[i].County), vocab.String(in.Rows[i].City)
		}
	}
}

// sameList returns before when it holds the same strings as list, else
// list; either capped at its length.
func sameList(list, before []string) []string {
	if len(list) == 0 {
		return list
	}
	if slices.Equal(list, before) {
		return before
	}
	return list[:len(list):len(list)]
}

// Interner keeps one copy of each string it is given. It is not safe for
// concurrent use: loading documents on several cores takes one per core.
// (Package unique would share across cores, but its concurrent map took
// longer than decoding the documents.)
type Interner struct{ seen map[string]string }

// NewInterner returns an empty interner.
func NewInterner() *Interner { return &Interner{seen: map[string]string{}} }

// String returns the interner's copy of s.
func (in *Interner) String(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := in.seen[s]; ok {
		return c
	}
	in.seen[s] = s
	return s
}

func (in *Interner) strings(list []string) {
	for i, s := range list {
		list[i] = in.String(s)
	}
}
