package corpus

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strings"
)

// PlaceKind is the administrative level of a place.
type PlaceKind string

// Place kinds used in the gazetteer file.
const (
	KindCity       PlaceKind = "市"   // prefecture-level city
	KindDistrict   PlaceKind = "区"   // city district
	KindCounty     PlaceKind = "县"   // county
	KindCountyCity PlaceKind = "县级市" // county-level city
	KindZone       PlaceKind = "开发区" // development zone counted on its own
)

// Place is one entry of the gazetteer.
type Place struct {
	Name    string    // unique standard name, e.g. 定襄县; ambiguous names get their city prefixed (阳泉市城区)
	Kind    PlaceKind //
	City    string    // the prefecture-level city it belongs to (itself for a city)
	Aliases []string  // short names and other names found in documents
}

// IsCity reports whether the place is a prefecture-level city.
func (p *Place) IsCity() bool { return p.Kind == KindCity }

// Gazetteer resolves place names in text to standard places.
type Gazetteer struct {
	places  []*Place
	byName  map[string]*Place
	matcher Matcher[*Place]
}

//go:embed data/gazetteer.tsv
var gazetteerTSV string

// DefaultGazetteer loads the embedded gazetteer of Shanxi province.
func DefaultGazetteer() (*Gazetteer, error) {
	return LoadGazetteer(strings.NewReader(gazetteerTSV), "gazetteer.tsv")
}

// LoadGazetteer reads a gazetteer in the tab-separated format documented in
// data/gazetteer.tsv: kind, standard name, city, aliases separated by "、".
func LoadGazetteer(r io.Reader, source string) (*Gazetteer, error) {
	type row struct {
		place *Place
		line  int
	}
	var rows []row
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		cols := strings.Split(s, "\t")
		if len(cols) < 3 {
			return nil, fmt.Errorf("%s:%d: want at least 3 tab-separated columns, got %d", source, line, len(cols))
		}
		p := &Place{Kind: PlaceKind(strings.TrimSpace(cols[0])), Name: strings.TrimSpace(cols[1]), City: strings.TrimSpace(cols[2])}
		switch p.Kind {
		case KindCity, KindDistrict, KindCounty, KindCountyCity, KindZone:
		default:
			return nil, fmt.Errorf("%s:%d: unknown place kind %q", source, line, p.Kind)
		}
		if p.Name == "" || p.City == "" {
			return nil, fmt.Errorf("%s:%d: empty name or city", source, line)
		}
		if len(cols) > 3 {
			p.Aliases = splitValues(cols[3])
		}
		rows = append(rows, row{p, line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", source, err)
	}

	// Names shared by several places (城区 in 阳泉市 and 晋城市) are
	// made unique with their city and are not matched bare in text.
	count := map[string]int{}
	for _, r := range rows {
		count[r.place.Name]++
	}
	g := &Gazetteer{byName: map[string]*Place{}}
	for _, r := range rows {
		p := r.place
		matchNames := append([]string{p.Name}, p.Aliases...)
		if count[p.Name] > 1 {
			p.Name = p.City + p.Name
			matchNames = append([]string{p.Name}, p.Aliases...)
		}
		if _, dup := g.byName[p.Name]; dup {
			return nil, fmt.Errorf("%s:%d: duplicate place %s", source, r.line, p.Name)
		}
		g.byName[p.Name] = p
		g.places = append(g.places, p)
		for _, n := range matchNames {
			g.matcher.Add(n, p)
		}
	}
	for _, p := range g.places {
		if _, ok := g.byName[p.City]; !ok {
			return nil, fmt.Errorf("%s: %s belongs to unknown city %s", source, p.Name, p.City)
		}
	}
	return g, nil
}

// Places returns every place in file order.
func (g *Gazetteer) Places() []*Place { return g.places }

// Place returns a place by its standard name or by an unambiguous alias.
func (g *Gazetteer) Place(name string) (*Place, bool) {
	if p, ok := g.byName[name]; ok {
		return p, true
	}
	p, ok := g.matcher.Get(name)
	return p, ok && p != nil
}

// Find returns the places named in text, in order of appearance, each once.
func (g *Gazetteer) Find(text string) []*Place {
	var out []*Place
	seen := map[*Place]bool{}
	for _, m := range g.matcher.FindAll(text) {
		if !seen[m.Value] {
			seen[m.Value] = true
			out = append(out, m.Value)
		}
	}
	return out
}

// Terms returns every name and alias, longest first, for segmentation dictionaries.
func (g *Gazetteer) Terms() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range g.places {
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}
