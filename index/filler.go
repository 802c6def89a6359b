package index

import (
	"bufio"
	_ "embed"
	"strings"
)

//go:embed data/filler.txt
var fillerTxt string

// fillerWords are question words and function words that carry no subject:
// 怎么, 如何, 哪些, 做法, 的 … They are left out of term scoring.
type fillerWords map[string]bool

func loadFiller() fillerWords {
	out := fillerWords{}
	sc := bufio.NewScanner(strings.NewReader(fillerTxt))
	for sc.Scan() {
		w := strings.TrimSpace(sc.Text())
		if w != "" && !strings.HasPrefix(w, "#") {
			out[w] = true
		}
	}
	return out
}
