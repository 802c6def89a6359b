package ingest

import (
	"regexp"
	"strings"

	"github.com/shanxi-sme/kb/corpus"
)

// reInlineMeasure finds "二是" where a new measure starts inside a
// paragraph: after the start, a full stop, a semicolon or a colon.
var reInlineMeasure = regexp.MustCompile(`(?:^|[。；;！？!?：:]\s*)([一二三四五六七八九十]+)是`)

// splitMeasures cuts a paragraph that runs its measures together
// (主要做法：一是…。二是…。三是…。) into the text before them and one part
// per measure, so each measure is a passage of its own as when the
// document gives each a paragraph. The numbers must run 一, 二, 三 … for
// the cut to be made; anything else is returned whole.
func splitMeasures(text string) []string {
	if !strings.Contains(text, "二是") {
		return []string{text}
	}
	var cuts []int
	want := 1
	for _, m := range reInlineMeasure.FindAllStringSubmatchIndex(text, -1) {
		if corpus.HanNumber(text[m[2]:m[3]]) != want {
			continue
		}
		cuts = append(cuts, m[2])
		want++
	}
	if len(cuts) < 2 {
		return []string{text}
	}
	var parts []string
	if intro := strings.TrimSpace(text[:cuts[0]]); hanCount(intro) > 0 {
		parts = append(parts, intro)
	}
	for i, c := range cuts {
		end := len(text)
		if i+1 < len(cuts) {
			end = cuts[i+1]
		}
		parts = append(parts, strings.TrimSpace(text[c:end]))
	}
	return parts
}
