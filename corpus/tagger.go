package corpus

import "sort"

// Tagger assigns places and themes to passages, cases and indicator rows.
type Tagger struct {
	Places *Gazetteer
	Themes *Ontology
}

// Title matches count this many times a body match: a case is about what
// its title says, whatever else its measures mention.
const titleFactor = 3

// themeThreshold is the score a theme needs to be tagged (one alias, or
// two related words, or one related word in a case title).
const themeThreshold = 2

// Tag fills in the tags of every passage, case and indicator of doc.
//
// Places: a case is about the county its title names; a passage is about
// the places of its section (the county its heading names, else the
// document's: see docPlaces) and any its own text names; a passage
// rendered from a table is about the counties of its rows when they are
// few (see maxTableCounties), else about no county.
func (t *Tagger) Tag(doc *Document) {
	docCtx, shadow := t.docPlaces(doc)
	secCtx := t.sectionPlaces(doc, docCtx, shadow)
	cases := map[int]*Case{}
	for _, c := range doc.Cases {
		cases[c.Number] = c
		c.County, c.City = "", ""
		if places := t.gazPlaces(c.Title, shadow); len(places.counties) > 0 {
			c.County, c.City = places.counties[0].county, places.counties[0].city
		} else if len(c.Passages) > 0 {
			if ctx := secCtx[c.Passages[0]]; len(ctx.counties) > 0 {
				c.County, c.City = ctx.counties[0].county, ctx.counties[0].city
			}
		}
		c.Themes = nil
	}
	caseThemes := map[int]map[string]int{} // theme -> passages tagged with it
	for _, ps := range doc.Passages {
		ps.Policies = CitedPolicies(ps.Text)
		ctx := secCtx[ps.ID]
		if ps.Case != nil {
			c := cases[ps.Case.Number]
			ps.Case.County = c.County
			ps.Counties, ps.Cities = nil, nil
			if c.County != "" {
				ps.Counties = []string{c.County}
				if c.City != "" {
					ps.Cities = []string{c.City}
				}
			} else {
				ps.Cities = ctx.cities
			}
			ps.Themes = t.themes(c.Title, ps.Text)
			if caseThemes[c.Number] == nil {
				caseThemes[c.Number] = map[string]int{}
			}
			for _, th := range ps.Themes {
				caseThemes[c.Number][th]++
			}
			continue
		}
		var places placeSet
		if ps.FromTable {
			if rows, ok := t.tablePlaces(ps.Text, shadow); ok {
				places = rows
			} else {
				places = ctx
			}
		} else {
			places.add(ctx)
			places.add(t.gazPlaces(ps.Text, shadow))
		}
		ps.Counties, ps.Cities = places.countyNames(), places.cities
		ps.Themes = t.themes("", ps.Text)
	}
	for _, c := range doc.Cases {
		c.Themes = t.caseThemes(c, caseThemes[c.Number])
	}
	for _, ind := range doc.Indicators {
		for i := range ind.Rows {
			if p, ok := t.Places.Place(ind.Rows[i].County); ok {
				ind.Rows[i].County, ind.Rows[i].City = p.Name, p.City
			}
		}
	}
}

// caseThemes keeps the themes of the title and those that run through
// the case (tagged on at least half of its passages, and on two or more).
func (t *Tagger) caseThemes(c *Case, perPassage map[string]int) []string {
	keep := map[string]int{}
	for th := range t.Themes.Score(c.Title) {
		keep[th.Name] = len(c.Passages) + 1
	}
	for th, n := range perPassage {
		if n >= 2 && 2*n >= len(c.Passages) && keep[th] == 0 {
			keep[th] = n
		}
	}
	return rankKeys(keep)
}

// themes scores text (and the case title, weighted) against the ontology
// and returns the themes over the threshold, strongest first.
func (t *Tagger) themes(title, body string) []string {
	scores := map[string]int{}
	for th, s := range t.Themes.Score(title) {
		scores[th.Name] += s.Score * titleFactor
	}
	for th, s := range t.Themes.Score(body) {
		scores[th.Name] += s.Score
	}
	for name, s := range scores {
		if s < themeThreshold {
			delete(scores, name)
		}
	}
	return rankKeys(scores)
}

// rankKeys returns the keys by descending value, ties by name.
func rankKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if m[out[i]] != m[out[j]] {
			return m[out[i]] > m[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}
