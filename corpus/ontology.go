package corpus

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
)

// Theme is one practice area of the ontology, e.g. 楼宇经济 or 小升规.
type Theme struct {
	Name        string
	Description string
	Aliases     []string // strong signals: one occurrence marks a passage
	Related     []string // weak signals: need company or a case title
}

// Signal weights used by the tagger (see data/themes.txt).
const (
	aliasWeight   = 2
	relatedWeight = 1
)

type themeSignal struct {
	theme  *Theme
	weight int
}

// Ontology is the set of themes and the signal words that mark them.
type Ontology struct {
	themes  []*Theme
	byName  map[string]*Theme
	signals Matcher[[]themeSignal]
}

//go:embed data/themes.txt
var themesTxt string

// DefaultOntology loads the embedded theme ontology.
func DefaultOntology() (*Ontology, error) {
	return LoadOntology(strings.NewReader(themesTxt), "themes.txt")
}

// LoadOntology reads themes in the block format documented in data/themes.txt.
func LoadOntology(r io.Reader, source string) (*Ontology, error) {
	blocks, err := parseBlocks(r, source)
	if err != nil {
		return nil, err
	}
	o := &Ontology{byName: map[string]*Theme{}}
	for _, b := range blocks {
		if _, dup := o.byName[b.Name]; dup {
			return nil, fmt.Errorf("%s:%d: duplicate theme %s", source, b.Line, b.Name)
		}
		for k := range b.Fields {
			if k != "说明" && k != "别名" && k != "相关" {
				return nil, fmt.Errorf("%s:%d: theme %s: unknown key %q (want 说明, 别名 or 相关)", source, b.Line, b.Name, k)
			}
		}
		t := &Theme{
			Name:        b.Name,
			Description: strings.Join(b.Fields["说明"], " "),
			Aliases:     dedupe(append([]string{b.Name}, b.Fields["别名"]...)),
			Related:     b.Fields["相关"],
		}
		o.themes = append(o.themes, t)
		o.byName[t.Name] = t
	}
	// One matcher over every signal of every theme, so overlapping signals
	// resolve leftmost-longest across themes.
	add := func(term string, s themeSignal) {
		term = strings.ToLower(term)
		prev, _ := o.signals.Get(term)
		for _, p := range prev {
			if p.theme == s.theme {
				return
			}
		}
		o.signals.Add(term, append(prev, s))
	}
	for _, t := range o.themes {
		for _, a := range t.Aliases {
			add(a, themeSignal{t, aliasWeight})
		}
		for _, a := range t.Related {
			add(a, themeSignal{t, relatedWeight})
		}
	}
	return o, nil
}

// Themes returns the themes in file order.
func (o *Ontology) Themes() []*Theme { return o.themes }

// Theme returns a theme by name.
func (o *Ontology) Theme(name string) (*Theme, bool) {
	t, ok := o.byName[name]
	return t, ok
}

// Terms returns all signal words, for segmentation dictionaries.
func (o *Ontology) Terms() []string {
	var out []string
	for _, t := range o.themes {
		out = append(out, t.Aliases...)
		out = append(out, t.Related...)
	}
	return dedupe(out)
}

// ThemeScore is a theme's evidence in a text.
type ThemeScore struct {
	Theme *Theme
	Score int
	Terms []string // the signal words found
}

// Score returns, per theme, the weighted count of the distinct signal words
// in text. Repeating a word adds nothing: a report that writes 开发区 in
// every paragraph is not about development zones in every paragraph.
func (o *Ontology) Score(text string) map[*Theme]*ThemeScore {
	out := map[*Theme]*ThemeScore{}
	seen := map[string]bool{}
	for _, m := range o.signals.FindAll(strings.ToLower(text)) {
		if seen[m.Key] {
			continue
		}
		seen[m.Key] = true
		for _, s := range m.Value {
			ts := out[s.theme]
			if ts == nil {
				ts = &ThemeScore{Theme: s.theme}
				out[s.theme] = ts
			}
			ts.Score += s.weight
			ts.Terms = append(ts.Terms, m.Key)
		}
	}
	return out
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
