package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Where a passage is, when its own text does not say: a passage inherits
// the places of its section, a section those of its document, unless the
// section's heading names a county of its own. A document's places are
// those its title and issuer name, else the county that dominates its
// text; for places outside the gazetteer (documents from other provinces)
// the title, issuer and first sentence are read for names ending in 县,
// 区, 旗 or 市.

// placeRef is a county-level place with its city ("" when unknown).
type placeRef struct{ county, city string }

// placeSet is a set of counties and cities, in order of naming.
type placeSet struct {
	counties []placeRef
	cities   []string
}

func (s *placeSet) addCounty(county, city string) {
	for _, c := range s.counties {
		if c.county == county {
			return
		}
	}
	s.counties = append(s.counties, placeRef{county, city})
	if city != "" {
		s.addCity(city)
	}
}

func (s *placeSet) addCity(city string) {
	for _, c := range s.cities {
		if c == city {
			return
		}
	}
	s.cities = append(s.cities, city)
}

func (s *placeSet) add(o placeSet) {
	for _, c := range o.counties {
		s.addCounty(c.county, c.city)
	}
	for _, c := range o.cities {
		s.addCity(c)
	}
}

func (s placeSet) empty() bool { return len(s.counties) == 0 && len(s.cities) == 0 }

func (s placeSet) countyNames() []string {
	var out []string
	for _, c := range s.counties {
		out = append(out, c.county)
	}
	return out
}

// maxTableCounties is the most counties a table may cover and still be
// tagged with them. A table ranking the eleven demonstration counties is
// about all of them and about none in particular: tagging it with every
// county would put it at the top of each county's filter as "theirs", and
// tagging it with its first row (what the text did before) claimed it for
// the leading county. Such tables are tagged with no county; the figures
// of each county remain reachable through the indicator tables.
const maxTableCounties = 3

// gazPlaces returns the places of the gazetteer named in text, except
// the shadowed ones (see shadowed).
func (t *Tagger) gazPlaces(text string, shadow map[string]bool) placeSet {
	var s placeSet
	for _, p := range t.Places.Find(text) {
		if shadow[p.Name] {
			continue
		}
		if p.IsCity() {
			s.addCity(p.Name)
		} else {
			s.addCounty(p.Name, p.City)
		}
	}
	return s
}

// tablePlaces tags a passage rendered from a table with the counties its
// rows name when they are few, with their cities when those are few,
// and otherwise with nothing; ok is false when the rows name no place, so
// the table belongs to the county of its section.
func (t *Tagger) tablePlaces(text string, shadow map[string]bool) (placeSet, bool) {
	rows := t.gazPlaces(text, shadow)
	if rows.empty() {
		return rows, false
	}
	var s placeSet
	if len(rows.counties) <= maxTableCounties {
		s.counties = rows.counties
	}
	if len(rows.cities) <= maxTableCounties {
		s.cities = rows.cities
	}
	return s, true
}

// docPlaces returns the places the document as a whole is about, and
// the gazetteer places its free-text places shadow in this document.
func (t *Tagger) docPlaces(doc *Document) (placeSet, map[string]bool) {
	head := doc.Title + "\n" + doc.Issuer
	free := freePlaces(head)
	shadow := t.shadowed(free)
	if s := t.gazPlaces(head, shadow); !s.empty() {
		return s, nil
	}
	if d, ok := t.dominantCounty(doc); ok {
		var s placeSet
		s.addCounty(d.Name, d.City)
		return s, nil
	}
	if free.empty() && len(doc.Passages) > 0 {
		// The first sentence (安吉县坚持……) counts when the document
		// names the place again: a single mention may be anything.
		first := freePlaces(firstSentence(doc.Passages[0].Text))
		all := allPassageText(doc)
		for _, c := range first.counties {
			if strings.Count(all, c.county) >= 2 {
				free.addCounty(c.county, c.city)
			}
		}
		shadow = t.shadowed(free)
	}
	return free, shadow
}

// shadowed returns the gazetteer places found inside the free-text places
// of a document from elsewhere: 吉县 (Shanxi) inside 安吉县 (Zhejiang). In
// that document they are not taken.
func (t *Tagger) shadowed(free placeSet) map[string]bool {
	names := append(free.countyNames(), free.cities...)
	var out map[string]bool
	for _, n := range names {
		for _, p := range t.Places.Find(n) {
			if p.Name != n {
				if out == nil {
					out = map[string]bool{}
				}
				out[p.Name] = true
			}
		}
	}
	return out
}

// dominantCounty is the county most passages name, when it clearly
// dominates: named in two passages or more, in at least 60% of the
// passages naming any county and twice as many as the next. A report
// comparing many counties has none.
func (t *Tagger) dominantCounty(doc *Document) (*Place, bool) {
	count := map[*Place]int{}
	naming := 0
	for _, ps := range doc.Passages {
		if ps.FromTable {
			continue
		}
		any := false
		for _, p := range t.Places.Find(ps.Text) {
			if !p.IsCity() {
				count[p]++
				any = true
			}
		}
		if any {
			naming++
		}
	}
	var top *Place
	first, second := 0, 0
	for p, n := range count {
		if n > first || (n == first && p.Name < top.Name) {
			top, first, second = p, n, max(first, second)
		} else if n > second {
			second = n
		}
	}
	if top == nil || first < 2 || 5*first < 3*naming || first < 2*second {
		return nil, false
	}
	return top, true
}

// sectionPlaces maps each passage ID to the places of its section: the
// counties its heading (or the nearest heading above it that names one)
// names, else the document's.
func (t *Tagger) sectionPlaces(doc *Document, docCtx placeSet, shadow map[string]bool) map[string]placeSet {
	out := map[string]placeSet{}
	var walk func([]*Section, placeSet)
	walk = func(secs []*Section, inherited placeSet) {
		for _, s := range secs {
			ctx := inherited
			named := t.gazPlaces(s.Title, shadow)
			switch {
			case len(named.counties) > 0:
				ctx = named
			case len(named.cities) > 0 && !sameCities(named.cities, inherited.cities):
				ctx = placeSet{cities: named.cities} // another city, no county of it
			}
			for _, id := range s.Passages {
				out[id] = ctx
			}
			walk(s.Sections, ctx)
		}
	}
	walk(doc.Sections, docCtx)
	return out
}

func sameCities(a, b []string) bool {
	for _, c := range a {
		found := false
		for _, d := range b {
			found = found || c == d
		}
		if !found {
			return false
		}
	}
	return true
}

func firstSentence(s string) string {
	if i := strings.IndexAny(s, "。；;！？"); i >= 0 {
		return s[:i]
	}
	return s
}

func allPassageText(doc *Document) string {
	var b strings.Builder
	for _, p := range doc.Passages {
		b.WriteString(p.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// Free-text place names: 2–4 characters before 县, 区, 旗 or 市. The name
// starts after a non-Chinese character, a province or higher place
// (浙江省安吉县, 湖州市安吉县) or a word that opens titles (关于印发…);
// common words with those endings (县域, 市场, 城区, 开发区, 示范县 …) are
// refused by what precedes or follows the suffix.
var (
	freeSuffixes = "县区旗市"
	// freeBoundary ends the run of characters before a name.
	freeBoundary = "省市县区旗年的与及在对为是了等之、"
	// freeOpeners are the words a title puts before a place.
	freeOpeners = []string{"关于印发", "关于转发", "关于", "印发", "转发", "全面", "加快", "推进", "支持", "促进"}
	// freeAfter are the characters that make a suffix part of a word: 市场, 县域, 区域 …
	freeAfter = map[rune]string{'市': "场民级值政容面", '县': "域级城", '区': "域级位块间别分划", '旗': "帜舰下"}
	// freeLastChar and freeLastWord end the words that are no place
	// names: 城市, 全县, 小区, 示范县, 开发区, 自治区 ….
	freeLastChar = "城都超上股楼车菜夜集门全本各我该地省县市区街黑早花开闭红国党彩锦郊邻外大强社小新老特专学营警选分政林牧灾战禁校厂库湖垦园片辖山矿景港旧"
	freeLastWord = []string{"示范", "试点", "重点", "贫困", "百强", "开发", "高新", "自治", "保税", "试验", "实验", "先行",
		"集聚", "聚集", "承载", "引领", "核心", "功能", "创新", "合作", "发展", "产业", "工业", "商务", "服务", "生活",
		"住宅", "风景", "保护", "经济", "农业", "边境"}
)

// freePlaces finds county- and city-level names in text by their suffix:
// names ending in 县, 区 or 旗 are counties; one ending in 市 is the city of
// a county named right after it (湖州市安吉县), otherwise a city.
func freePlaces(text string) placeSet {
	type found struct {
		name       string
		start, end int // byte offsets of the name with its suffix
	}
	var names []found
	for i, r := range text {
		if !strings.ContainsRune(freeSuffixes, r) {
			continue
		}
		end := i + utf8.RuneLen(r)
		if next, _ := utf8.DecodeRuneInString(text[end:]); strings.ContainsRune(freeAfter[r], next) {
			continue
		}
		start := i
		for start > 0 {
			p, size := utf8.DecodeLastRuneInString(text[:start])
			if !unicode.Is(unicode.Han, p) || strings.ContainsRune(freeBoundary, p) {
				break
			}
			start -= size
		}
		name := text[start:i]
		for again := true; again; {
			again = false
			for _, w := range freeOpeners {
				if strings.HasPrefix(name, w) && utf8.RuneCountInString(name) > utf8.RuneCountInString(w)+1 {
					name, again = strings.TrimPrefix(name, w), true
				}
			}
		}
		if n := utf8.RuneCountInString(name); n < 2 || n > 4 || !isFreeName(name) {
			continue
		}
		names = append(names, found{name + string(r), i - len(name), end})
	}
	var s placeSet
	for k, f := range names {
		if !strings.HasSuffix(f.name, "市") {
			city := ""
			if k > 0 && strings.HasSuffix(names[k-1].name, "市") && names[k-1].end == f.start {
				city = names[k-1].name
			}
			s.addCounty(f.name, city)
			continue
		}
		if k+1 < len(names) && names[k+1].start == f.end && !strings.HasSuffix(names[k+1].name, "市") {
			continue // added with its county
		}
		s.addCity(f.name)
	}
	return s
}

func isFreeName(name string) bool {
	last, _ := utf8.DecodeLastRuneInString(name)
	if strings.ContainsRune(freeLastChar, last) {
		return false
	}
	for _, w := range freeLastWord {
		if strings.HasSuffix(name, w) {
			return false
		}
	}
	return true
}
