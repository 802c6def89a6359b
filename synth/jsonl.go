package synth

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/shanxi-sme/kb/corpus"
)

// Line is one passage of the JSONL export: what a reference engine needs
// to index the same passages and count the same facets.
type Line struct {
	ID     string   `json:"id"`
	County []string `json:"county"`
	City   []string `json:"city"`
	Themes []string `json:"themes"`
	Kind   string   `json:"kind"`
	Text   string   `json:"text"`
}

// WriteJSONL writes every passage of docs as one JSON object per line and
// returns how many it wrote.
func WriteJSONL(w io.Writer, docs []*corpus.Document) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	for _, d := range docs {
		for _, p := range d.Passages {
			l := Line{ID: p.ID, County: nonNil(p.Counties), City: nonNil(p.Cities), Themes: nonNil(p.Themes), Kind: string(p.Kind), Text: p.Text}
			if err := enc.Encode(l); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, bw.Flush()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
