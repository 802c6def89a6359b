package segment

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/registry"
)

var (
	loadOnce sync.Once
	shared   *Segmenter
	loadErr  error
)

// testSegmenter loads the real dictionary once for the package's tests.
func testSegmenter(t *testing.T) *Segmenter {
	t.Helper()
	loadOnce.Do(func() { shared, loadErr = New(Options{Words: []string{"楼宇招商", "长治高新区"}}) })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return shared
}

func TestDomainTermsStayWhole(t *testing.T) {
	s := testSegmenter(t)
	tests := []struct{ text, term string }{
		{"推动专精特新企业发展", "专精特新"},
		{"高质量完成小升规培育", "小升规"},
		{"小店区楼宇经济六步走", "楼宇经济"},
		{"打造法兰专业镇", "专业镇"},
		{"发放首笔知识产权质押贷款", "知识产权质押贷款"},
		{"长治高新区探索金融创新", "长治高新区"},
		{"协调中国银行长治市分行为企业放贷", "中国银行长治市分行"},
		{"推行承诺制和标准地改革", "标准地"},
		{"区楼宇办负责楼宇招商", "楼宇招商"}, // an extra word from Options
	}
	for _, tt := range tests {
		words := s.Words(tt.text)
		if !contains(words, tt.term) {
			t.Errorf("%s -> %s, want %s whole", tt.text, strings.Join(words, "|"), tt.term)
		}
	}
}

func TestTokenOffsetsAndPositions(t *testing.T) {
	s := testSegmenter(t)
	text := []byte("协调中国银行长治市分行，为山西卓联锐科科技有限公司成功发放知识产权质押贷款500万元。ＧＤＰ增长！")
	for _, mode := range []Mode{Coarse, WithSubwords} {
		toks := s.Tokens(text, mode)
		if len(toks) == 0 {
			t.Fatal("no tokens")
		}
		lastPos, lastEnd := 0, 0
		for _, tk := range toks {
			if narrowString(string(text[tk.Start:tk.End])) != tk.Term {
				t.Errorf("token %q has offsets %d:%d = %q", tk.Term, tk.Start, tk.End, text[tk.Start:tk.End])
			}
			if !utf8.ValidString(tk.Term) || tk.Term == "，" || tk.Term == "。" || tk.Term == "！" {
				t.Errorf("punctuation or broken token %q", tk.Term)
			}
			if tk.Sub {
				if mode == Coarse {
					t.Errorf("sub-word %q in coarse mode", tk.Term)
				}
				if tk.Position != lastPos || tk.Start < lastEnd-len(tk.Term)-64 {
					t.Errorf("sub-word %q at position %d, its word is at %d", tk.Term, tk.Position, lastPos)
				}
				continue
			}
			if tk.Position != lastPos+1 {
				t.Errorf("word %q at position %d after %d: positions must not skip", tk.Term, tk.Position, lastPos)
			}
			if tk.Start < lastEnd {
				t.Errorf("word %q overlaps the previous word", tk.Term)
			}
			lastPos, lastEnd = tk.Position, tk.End
		}
	}
	var subs []string
	for _, tk := range s.Tokens(text, WithSubwords) {
		if tk.Sub {
			subs = append(subs, tk.Term)
		}
	}
	for _, want := range []string{"中国银行", "知识产权", "质押", "贷款"} {
		if !contains(subs, want) {
			t.Errorf("sub-words %v lack %s", subs, want)
		}
	}
}

func TestFingerprintFollowsWords(t *testing.T) {
	s := testSegmenter(t)
	other, err := New(Options{Words: []string{"楼宇招商", "长治高新区", "晋商回乡"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Fingerprint() == other.Fingerprint() {
		t.Error("adding a word did not change the fingerprint")
	}
	same, err := New(Options{Words: []string{"长治高新区", "楼宇招商", "长治高新区"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Fingerprint() != same.Fingerprint() {
		t.Error("order or duplicates of words changed the fingerprint")
	}
}

func TestBleveAnalyzers(t *testing.T) {
	s := testSegmenter(t)
	if err := RegisterBleve(s); err != nil {
		t.Fatal(err)
	}
	if err := RegisterBleve(s); err != nil {
		t.Errorf("registering the same segmenter again: %v", err)
	}
	cache := registry.NewCache()
	idx, err := cache.AnalyzerNamed(IndexAnalyzer)
	if err != nil {
		t.Fatal(err)
	}
	qry, err := cache.AnalyzerNamed(QueryAnalyzer)
	if err != nil {
		t.Fatal(err)
	}
	in := []byte("首笔知识产权质押贷款ＧＤＰ")
	var qTerms, iTerms []string
	for _, tk := range qry.Analyze(in) {
		qTerms = append(qTerms, string(tk.Term))
	}
	for _, tk := range idx.Analyze(in) {
		iTerms = append(iTerms, string(tk.Term))
		if strings.ToLower(narrowString(string(in[tk.Start:tk.End]))) != string(tk.Term) {
			t.Errorf("term %q offsets %d:%d", tk.Term, tk.Start, tk.End)
		}
	}
	if !contains(iTerms, "gdp") {
		t.Errorf("full-width ＧＤＰ not indexed as gdp: %v", iTerms)
	}
	if !contains(qTerms, "知识产权质押贷款") || contains(qTerms, "知识产权") {
		t.Errorf("query analyzer terms %v: want the coarse word only", qTerms)
	}
	if !contains(iTerms, "知识产权质押贷款") || !contains(iTerms, "知识产权") {
		t.Errorf("index analyzer terms %v: want the word and its sub-words", iTerms)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func narrowString(s string) string {
	out, _, _ := narrow([]byte(s))
	return string(out)
}

// narrow's offsets map every rune boundary of its result back to the same
// rune of the input, whatever mix of full-width and other runes it holds.
func TestNarrowOffsetsMapBack(t *testing.T) {
	pieces := []string{"企业", "，", "ＧＤＰ", "２０２３", "\u3000", "AI", "。", "、", "５G", "～", "﹏", "ｱ"}
	for n := 0; n < 2000; n++ {
		var b strings.Builder
		for k := n; ; k /= len(pieces) {
			b.WriteString(pieces[k%len(pieces)])
			if k < len(pieces) {
				break
			}
		}
		in := []byte(b.String())
		out, narrowed, changed := narrow(in)
		if !changed {
			if string(out) != string(in) {
				t.Fatalf("%q unchanged but narrowed to %q", in, out)
			}
			continue
		}
		// Walk both texts rune by rune: each output rune is the input rune,
		// narrowed, and its offsets map to the input rune's.
		i := 0
		for o := 0; o < len(out); {
			r, size := utf8.DecodeRune(out[o:])
			ir, isize := utf8.DecodeRune(in[i:])
			want := ir
			if wide(ir) {
				want = ' '
				if ir != 0x3000 {
					want = ir - 0xFF01 + 0x21
				}
			}
			if r != want {
				t.Fatalf("%q: output rune %q at %d, input %q", in, r, o, ir)
			}
			if origin(o, narrowed) != i || origin(o+size, narrowed) != i+isize {
				t.Fatalf("%q: output %d:%d maps to %d:%d, want %d:%d", in, o, o+size, origin(o, narrowed), origin(o+size, narrowed), i, i+isize)
			}
			o, i = o+size, i+isize
		}
		if i != len(in) {
			t.Fatalf("%q: output covers %d of %d input bytes", in, i, len(in))
		}
	}
}
