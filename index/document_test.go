package index

import (
	"reflect"
	"testing"

	"github.com/cespare/xxhash/v2"
)

func digestOf(d document) uint64 {
	h := xxhash.New()
	d.writeDigest(h)
	return h.Sum64()
}

// The index is reused only when every passage digests as before, so a
// field that does not reach the digest would let a stale index survive a
// change to that field.
func TestDigestCoversEveryField(t *testing.T) {
	base := document{Text: "正文", Title: "标题", County: []string{"平遥县"}, City: []string{"晋中市"},
		Theme: []string{"主题"}, CaseTheme: []string{"案例主题"}, Kind: "举措", Policy: []string{"政策"}, Doc: "d1", Order: orderKey(3)}
	want := digestOf(base)
	v := reflect.ValueOf(base)
	for i := range v.NumField() {
		changed := base
		f := reflect.ValueOf(&changed).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "改")
		case reflect.Slice:
			f.Set(reflect.Append(reflect.ValueOf([]string{}), reflect.ValueOf("另一个")))
		default:
			t.Fatalf("field %s has kind %s: teach this test and writeDigest about it", v.Type().Field(i).Name, f.Kind())
		}
		if digestOf(changed) == want {
			t.Errorf("changing %s leaves the digest as it was", v.Type().Field(i).Name)
		}
	}
	// Values that move across a field boundary are a different document.
	for _, pair := range [][2]document{
		{{Text: "ab", Title: "c"}, {Text: "a", Title: "bc"}},
		{{County: []string{"甲"}}, {City: []string{"甲"}}},
		{{Theme: []string{"甲乙"}}, {Theme: []string{"甲", "乙"}}},
	} {
		if digestOf(pair[0]) == digestOf(pair[1]) {
			t.Errorf("%+v and %+v digest alike", pair[0], pair[1])
		}
	}
}

// The index sorts a document's passages by the bytes of orderKey: they
// must sort as the numbers do, past the padding's width too.
func TestOrderKeySortsAsNumbers(t *testing.T) {
	orders := []int{0, 1, 2, 9, 10, 11, 99, 100, 101, 999, 1000, 12345, 9999999, 99999999, 100000000, 123456789}
	for i, a := range orders {
		for _, b := range orders[i+1:] {
			if ka, kb := orderKey(a), orderKey(b); ka >= kb {
				t.Errorf("orderKey(%d) = %q sorts after orderKey(%d) = %q", a, ka, b, kb)
			}
		}
	}
}
