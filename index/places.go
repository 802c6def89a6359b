package index

import (
	"context"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/segment"
)

// placeIntent reads a query that starts with places (太原, 太原市做法,
// 小店区 楼宇经济) as a filter on those places and a search for the rest:
// the report names its cities rarely, so a text search for 太原市 finds
// nothing although many passages are tagged with it. Only places with
// passages are taken (a filter that selects nothing would hide the text
// matches). rest is the query without the places; it is "" when nothing
// but places and filler words is left.
func (ix *Index) placeIntent(ctx context.Context, q string) (applied map[string][]string, rest string) {
	rest = strings.TrimSpace(q)
	for {
		p, name := ix.leadingPlace(rest)
		if p == nil {
			break
		}
		field := FieldCounty
		if p.IsCity() {
			field = FieldCity
		}
		if !ix.hasPassages(ctx, field, p.Name) {
			break
		}
		if applied == nil {
			applied = map[string][]string{}
		}
		if !containsString(applied[field], p.Name) {
			applied[field] = append(applied[field], p.Name)
		}
		rest = strings.TrimLeftFunc(rest[len(name):], func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r) || r == '和' || r == '与' || r == '及'
		})
	}
	if applied == nil {
		return nil, q
	}
	if ix.onlyFiller(rest) {
		rest = ""
	}
	return applied, rest
}

// leadingPlace returns the gazetteer place whose name or alias starts s,
// the longest when several do (长治高新区 before 长治), and the name matched.
func (ix *Index) leadingPlace(s string) (*corpus.Place, string) {
	var best *corpus.Place
	var bestName string
	for _, p := range ix.places.Places() {
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if len(n) > len(bestName) && strings.HasPrefix(s, n) {
				if got, ok := ix.places.Place(n); ok && got == p { // ambiguous bare names (城区) do not count
					best, bestName = p, n
				}
			}
		}
	}
	return best, bestName
}

// hasPassages reports whether any passage carries value in a facet field.
func (ix *Index) hasPassages(ctx context.Context, field, value string) bool {
	t := bleve.NewTermQuery(value)
	t.SetField(field)
	res, err := ix.searchIndex(ctx, bleve.NewSearchRequestOptions(t, 0, 0, false))
	return err == nil && res.Total > 0
}

// onlyFiller reports whether s holds no word that is not a filler word
// (的做法, 经验, punctuation).
func (ix *Index) onlyFiller(s string) bool {
	for _, t := range ix.seg.Tokens([]byte(s), segment.WithSubwords) {
		if t.Sub || ix.filler[t.Term] {
			continue
		}
		if strings.IndexFunc(t.Term, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			return false
		}
	}
	return true
}

// namedPlaces returns the places a query names anywhere, by facet field.
func (pq *parsedQuery) namedPlaces() map[string][]string {
	out := map[string][]string{}
	if len(pq.cities) > 0 {
		out[FieldCity] = pq.cities
	}
	if len(pq.counties) > 0 {
		out[FieldCounty] = pq.counties
	}
	return out
}

// PlaceRank is the administrative order of places (the order of the
// gazetteer file: each city, then its districts and counties); places
// outside the gazetteer get -1.
func (ix *Index) PlaceRank(name string) int {
	if ix.placeOrder == nil {
		return -1
	}
	if i, ok := ix.placeOrder[name]; ok {
		return i
	}
	return -1
}

// PlacesConflict reports whether the chosen cities and counties cannot
// both hold: none of the counties lies in any of the cities (太原市 and
// 祁县, which is in 晋中市). Unknown places never conflict.
func (ix *Index) PlacesConflict(filters map[string][]string) bool {
	cities, counties := filters[FieldCity], filters[FieldCounty]
	if len(cities) == 0 || len(counties) == 0 {
		return false
	}
	for _, c := range counties {
		p, ok := ix.places.Place(c)
		if !ok || containsString(cities, p.City) {
			return false
		}
	}
	return true
}

func placeOrder(g *corpus.Gazetteer) map[string]int {
	out := map[string]int{}
	for i, p := range g.Places() {
		out[p.Name] = i
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
