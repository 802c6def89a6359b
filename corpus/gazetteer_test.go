package corpus

import (
	"strings"
	"testing"
)

func TestGazetteerCoversShanxi(t *testing.T) {
	g, err := DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	cities, counties := map[string]int{}, 0
	for _, p := range g.Places() {
		switch p.Kind {
		case KindCity:
			cities[p.Name] = 0
		case KindDistrict, KindCounty, KindCountyCity:
			counties++
		}
	}
	for _, p := range g.Places() {
		if p.Kind != KindCity && p.Kind != KindZone {
			cities[p.City]++
		}
	}
	if len(cities) != 11 {
		t.Errorf("cities = %d, want Shanxi's 11", len(cities))
	}
	if counties != 117 {
		t.Errorf("county-level divisions = %d, want 117", counties)
	}
	for c, n := range cities {
		if n == 0 {
			t.Errorf("city %s has no counties", c)
		}
	}
}

func TestGazetteerResolves(t *testing.T) {
	g, err := DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, name, city string }{
		{"定襄推出系列举措", "定襄县", "忻州市"},
		{"侯马开发区在全省率先实施", "侯马市", "临汾市"},
		{"长治高新区探索金融创新", "长治高新区", "长治市"},
		{"祁县打造产业服务平台", "祁县", "晋中市"},
		{"阳泉市城区的做法", "阳泉市城区", "阳泉市"},
		{"晋城市城区的做法", "晋城市城区", "晋城市"},
		{"永济市发展电商", "永济市", "运城市"},
	}
	for _, tt := range tests {
		found := g.Find(tt.text)
		if len(found) == 0 || found[0].Name != tt.name || found[0].City != tt.city {
			t.Errorf("Find(%q) = %v, want %s in %s", tt.text, names(found), tt.name, tt.city)
		}
	}
	// Bare 城区 is ambiguous (阳泉市 and 晋城市) and common words are no place.
	for _, text := range []string{"城区环境整治", "小店经营", "交口称赞"} {
		for _, p := range g.Find(text) {
			if p.Kind != KindCity {
				t.Errorf("Find(%q) found %s", text, p.Name)
			}
		}
	}
}

func TestLoadGazetteerErrors(t *testing.T) {
	for name, src := range map[string]string{
		"short row":    "市\t太原市\n",
		"unknown kind": "省\t山西省\t太原市\n",
		"unknown city": "县\t某县\t某市\n",
		"duplicate":    "市\t太原市\t太原市\n市\t太原市\t太原市\n",
	} {
		if _, err := LoadGazetteer(strings.NewReader(src), name); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func names(ps []*Place) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}
