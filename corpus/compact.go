package corpus

// Compact makes d share the storage of the strings it repeats, for a
// document that lives in the library for the life of the process. A
// decoded document holds its own copy of every string: each passage
// repeats its document's ID, its headings and its case, and its tags name
// a few dozen counties and themes. Compact replaces them with one copy
// per distinct value (passage IDs once per document; the other strings
// once per interner, which a caller shares across the documents it
// loads) and makes the passages of a case share one CaseRef. Passage text is
// left alone: it is not repeated. At 10⁵ stored passages this takes a
// quarter off the library's heap (BENCHMARKS.md), which the garbage
// collector's target then follows.
//
// Compact changes no value, only where values are stored; call it before
// d is shared. in may be nil: the document shares within itself only.
func (d *Document) Compact(in *Interner) {
	if in == nil {
		in = NewInterner()
	}
	intern, internAll := in.String, in.strings
	ids := make(map[string]string, len(d.Passages))
	cases := map[CaseRef]*CaseRef{}
	d.ID = intern(d.ID)
	d.Title = intern(d.Title)
	d.Issuer = intern(d.Issuer)
	for _, p := range d.Passages {
		if p.DocID == d.ID {
			p.DocID = d.ID
		} else {
			p.DocID = intern(p.DocID)
		}
		ids[p.ID] = p.ID
		p.Kind = Kind(intern(string(p.Kind)))
		internAll(p.HeadingPath)
		p.Title = intern(p.Title)
		p.Label = intern(p.Label)
		internAll(p.Counties)
		internAll(p.Cities)
		internAll(p.Themes)
		internAll(p.Policies)
		if p.Case != nil {
			key := CaseRef{Number: p.Case.Number, Title: intern(p.Case.Title), County: intern(p.Case.County)}
			if shared, ok := cases[key]; ok {
				p.Case = shared
			} else {
				*p.Case = key
				cases[key] = p.Case
			}
		}
	}
	sameIDs := func(list []string) {
		for i, id := range list {
			if s, ok := ids[id]; ok {
				list[i] = s
			}
		}
	}
	var walk func([]*Section)
	walk = func(secs []*Section) {
		for _, s := range secs {
			s.Title = intern(s.Title)
			sameIDs(s.Passages)
			walk(s.Sections)
		}
	}
	walk(d.Sections)
	for _, c := range d.Cases {
		c.Title, c.County, c.City = intern(c.Title), intern(c.County), intern(c.City)
		internAll(c.Themes)
		sameIDs(c.Passages)
	}
	for _, in := range d.Indicators {
		for i := range in.Rows {
			in.Rows[i].County, in.Rows[i].City = intern(in.Rows[i].County), intern(in.Rows[i].City)
		}
	}
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
