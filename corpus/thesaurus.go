package corpus

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
)

// Concept is one entry of the concept thesaurus: a preferred term with the
// other ways people say it, its neighbours in the hierarchy and its theme.
type Concept struct {
	Preferred   string
	Theme       string   // a theme of the ontology
	Synonyms    []string // same meaning, interchangeable
	Near        []string // close meaning or colloquial wording; expanded with less weight
	Broader     []string // preferred terms of wider concepts
	Narrower    []string // preferred terms of narrower concepts
	Description string
}

// Relation is how a term relates to a concept.
type Relation int

// Relations of a term to its concept, strongest first.
const (
	RelPreferred Relation = iota
	RelSynonym
	RelNear
)

// ConceptTerm is a concept reached through a term.
type ConceptTerm struct {
	Concept  *Concept
	Relation Relation
}

// ConceptMatch is a thesaurus term found in a text.
type ConceptMatch struct {
	Term       string
	Start, End int // byte offsets
	Concepts   []ConceptTerm
}

// Thesaurus is the concept vocabulary of the domain (data/concepts.txt).
type Thesaurus struct {
	concepts []*Concept
	byName   map[string]*Concept
	terms    Matcher[[]ConceptTerm]
}

//go:embed data/concepts.txt
var conceptsTxt string

// DefaultThesaurus loads the embedded thesaurus; every concept's theme must
// be a theme of themes.
func DefaultThesaurus(themes *Ontology) (*Thesaurus, error) {
	return LoadThesaurus(strings.NewReader(conceptsTxt), "concepts.txt", themes)
}

// LoadThesaurus reads concepts in the block format documented in data/concepts.txt.
func LoadThesaurus(r io.Reader, source string, themes *Ontology) (*Thesaurus, error) {
	blocks, err := parseBlocks(r, source)
	if err != nil {
		return nil, err
	}
	t := &Thesaurus{byName: map[string]*Concept{}}
	for _, b := range blocks {
		if _, dup := t.byName[b.Name]; dup {
			return nil, fmt.Errorf("%s:%d: duplicate concept %s", source, b.Line, b.Name)
		}
		for k := range b.Fields {
			switch k {
			case "主题", "同义", "近义", "上位", "下位", "说明":
			default:
				return nil, fmt.Errorf("%s:%d: concept %s: unknown key %q", source, b.Line, b.Name, k)
			}
		}
		c := &Concept{
			Preferred: b.Name, Synonyms: b.Fields["同义"], Near: b.Fields["近义"],
			Broader: b.Fields["上位"], Narrower: b.Fields["下位"], Description: strings.Join(b.Fields["说明"], " "),
		}
		if th := b.Fields["主题"]; len(th) == 1 {
			c.Theme = th[0]
		} else {
			return nil, fmt.Errorf("%s:%d: concept %s needs exactly one 主题", source, b.Line, b.Name)
		}
		if _, ok := themes.Theme(c.Theme); !ok {
			return nil, fmt.Errorf("%s:%d: concept %s: unknown theme %q", source, b.Line, b.Name, c.Theme)
		}
		t.concepts = append(t.concepts, c)
		t.byName[c.Preferred] = c
	}
	add := func(term string, ct ConceptTerm) {
		key := strings.ToLower(term)
		prev, _ := t.terms.Get(key)
		for _, p := range prev {
			if p.Concept == ct.Concept {
				return // a term listed twice for one concept keeps its strongest relation
			}
		}
		t.terms.Add(key, append(prev, ct))
	}
	for _, c := range t.concepts {
		add(c.Preferred, ConceptTerm{c, RelPreferred})
		for _, s := range c.Synonyms {
			add(s, ConceptTerm{c, RelSynonym})
		}
		for _, s := range c.Near {
			add(s, ConceptTerm{c, RelNear})
		}
	}
	return t, nil
}

// Concepts returns the concepts in file order.
func (t *Thesaurus) Concepts() []*Concept { return t.concepts }

// Concept returns a concept by its preferred term.
func (t *Thesaurus) Concept(preferred string) (*Concept, bool) {
	c, ok := t.byName[preferred]
	return c, ok
}

// Find returns the thesaurus terms in text, leftmost-longest.
func (t *Thesaurus) Find(text string) []ConceptMatch {
	lower := strings.ToLower(text)
	var out []ConceptMatch
	for _, m := range t.terms.FindAll(lower) {
		out = append(out, ConceptMatch{Term: text[m.Start:m.End], Start: m.Start, End: m.End, Concepts: m.Value})
	}
	return out
}

// Terms returns every term of the thesaurus, for segmentation dictionaries.
func (t *Thesaurus) Terms() []string {
	var out []string
	for _, c := range t.concepts {
		out = append(out, c.Preferred)
		out = append(out, c.Synonyms...)
		out = append(out, c.Near...)
	}
	return dedupe(out)
}
