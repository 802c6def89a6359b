package index

import (
	"encoding/binary"
	"strconv"

	"github.com/cespare/xxhash/v2"

	"github.com/shanxi-sme/kb/corpus"
)

// document is what the index stores for one passage.
type document struct {
	Text      string   `json:"text"`
	Title     string   `json:"title"`
	County    []string `json:"county"`
	City      []string `json:"city"`
	Theme     []string `json:"theme"`
	CaseTheme []string `json:"case_theme"`
	Kind      string   `json:"kind"`
	Policy    []string `json:"policy"`
	Doc       string   `json:"doc"`
	Order     string   `json:"order"` // orderKey(Order) of the passage
}

// Type tells bleve which document mapping applies.
func (document) Type() string { return passageType }

func newDocument(doc *corpus.Document, p *corpus.Passage) document {
	var caseThemes []string
	if p.Case != nil {
		for _, c := range doc.Cases {
			if c.Number == p.Case.Number {
				caseThemes = c.Themes
			}
		}
	}
	return document{
		CaseTheme: caseThemes,
		Text:      p.Text,
		Title:     p.Title,
		County:    p.Counties,
		City:      p.Cities,
		Theme:     p.Themes,
		Kind:      string(p.Kind),
		Policy:    p.Policies,
		Doc:       p.DocID,
		Order:     orderKey(p.Order),
	}
}

// digestVersion names the encoding of writeDigest; a change to it (or to
// document) rebuilds indexes once, as a new mapping does.
const digestVersion = 3

// writeDigest writes every field of d to h, each length-prefixed, for the
// index fingerprint: the index is reused only when each passage would be
// indexed exactly as it was. Version 1 JSON-encoded the document into
// SHA-256, which cost about 2.4 s of CPU at 10⁶ passages on every start
// (mostly escaping the text); xxhash over the raw fields takes 0.5 s.
// It detects change, not tampering: whoever can write the data folder can
// replace the index itself. TestDigestCoversEveryField fails when a field
// is added to document and not here.
func (d document) writeDigest(h *xxhash.Digest) {
	writeDigestString(h, d.Text)
	writeDigestString(h, d.Title)
	for _, list := range [...][]string{d.County, d.City, d.Theme, d.CaseTheme, d.Policy} {
		writeDigestUint(h, uint64(len(list)))
		for _, v := range list {
			writeDigestString(h, v)
		}
	}
	writeDigestString(h, d.Kind)
	writeDigestString(h, d.Doc)
	writeDigestString(h, d.Order)
}

// orderKey writes a passage's order (from 1) so that its bytes sort as
// the number does (the index sorts keywords by their bytes): its digits
// after a letter for their count, so that 9 ("a9") sorts before 10
// ("b10") whatever the number of digits.
func orderKey(order int) string {
	s := strconv.Itoa(max(order, 0))
	return string(rune('a'+len(s)-1)) + s
}

func writeDigestUint(h *xxhash.Digest, v uint64) {
	var b [binary.MaxVarintLen64]byte
	_, _ = h.Write(binary.AppendUvarint(b[:0], v))
}

func writeDigestString(h *xxhash.Digest, s string) {
	writeDigestUint(h, uint64(len(s)))
	_, _ = h.WriteString(s)
}
