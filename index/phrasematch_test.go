package index

import (
	"reflect"
	"testing"
)

func TestHasPhrase(t *testing.T) {
	cases := []struct {
		text  string
		words phraseWords
		want  bool
	}{
		{"推动知识产权质押贷款落地", phraseWords{{"知识产权"}, {"质押"}, {"贷款"}}, true},
		{"知识产权、质押 贷款", phraseWords{{"知识产权"}, {"质押"}, {"贷款"}}, true},  // punctuation and spaces between words
		{"知识产权可以质押贷款", phraseWords{{"知识产权"}, {"质押"}, {"贷款"}}, false}, // a word between
		{"质押贷款与知识产权", phraseWords{{"知识产权"}, {"质押"}}, false},          // the other order
		{"知识产权", phraseWords{{"知识产权"}, {"质押"}}, false},               // the text ends first
		{"发展ＡＩ大模型产业", phraseWords{{"ai"}, {"大模型"}}, true},            // full-width and upper case fold
		{"发展AIGC大模型", phraseWords{{"ai"}, {"大模型"}}, false},           // ai is not a word inside aigc
		{"发展 AI 大模型", phraseWords{{"ai"}, {"大模型"}}, true},
		{"5G基站", phraseWords{{"5g"}, {"基站"}}, true},
		{"15G基站", phraseWords{{"5g"}, {"基站"}}, false},
		{"建设专精特新企业", phraseWords{{"专精特新", "专精"}, {"企业"}}, true}, // alternatives at a position
		{"", phraseWords{{"企业"}}, false},
	}
	for _, c := range cases {
		if got := hasPhrase(c.text, c.words); got != c.want {
			t.Errorf("hasPhrase(%q, %v) = %v, want %v", c.text, c.words, got, c.want)
		}
	}
}

func TestPhraseSpansFindsEveryOccurrence(t *testing.T) {
	text := "人才引进，人才 引进和人才培养"
	var got [][]span
	phraseSpans(text, phraseWords{{"人才"}, {"引进"}}, func(parts []span) bool {
		got = append(got, append([]span(nil), parts...))
		return true
	})
	want := [][]span{
		{{0, 6}, {6, 12}},
		{{15, 21}, {22, 28}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spans %v, want %v", got, want)
	}
	for _, occ := range got {
		for _, s := range occ {
			if w := text[s.start:s.end]; w != "人才" && w != "引进" {
				t.Errorf("span %v is %q, not a word of the phrase", s, w)
			}
		}
	}
}
