package index

import (
	"bytes"
	"reflect"
	"testing"
)

// The index is reused only when every passage digests as before, so a
// field that does not reach the digest would let a stale index survive a
// change to that field.
func TestDigestCoversEveryField(t *testing.T) {
	base := document{Text: "正文", Title: "标题", County: []string{"平遥县"}, City: []string{"晋中市"},
		Theme: []string{"主题"}, CaseTheme: []string{"案例主题"}, Kind: "举措", Policy: []string{"政策"}, Doc: "d1", Order: 3}
	want := base.appendDigest(nil)
	v := reflect.ValueOf(base)
	for i := range v.NumField() {
		changed := base
		f := reflect.ValueOf(&changed).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "改")
		case reflect.Slice:
			f.Set(reflect.Append(reflect.ValueOf([]string{}), reflect.ValueOf("另一个")))
		case reflect.Float64:
			f.SetFloat(f.Float() + 1)
		default:
			t.Fatalf("field %s has kind %s: teach this test and appendDigest about it", v.Type().Field(i).Name, f.Kind())
		}
		if bytes.Equal(changed.appendDigest(nil), want) {
			t.Errorf("changing %s leaves the digest as it was", v.Type().Field(i).Name)
		}
	}
	// Values that move across a field boundary are a different document.
	for _, pair := range [][2]document{
		{{Text: "ab", Title: "c"}, {Text: "a", Title: "bc"}},
		{{County: []string{"甲"}}, {City: []string{"甲"}}},
		{{Theme: []string{"甲乙"}}, {Theme: []string{"甲", "乙"}}},
	} {
		if bytes.Equal(pair[0].appendDigest(nil), pair[1].appendDigest(nil)) {
			t.Errorf("%+v and %+v digest alike", pair[0], pair[1])
		}
	}
}
