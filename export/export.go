// Package export writes a draft back with its links to the knowledge base:
// as Markdown footnotes, as HTML side notes, or as a Word document with
// Word's own footnotes, citing each case as 《文档标题》经验N（县名）.
package export

import (
	"slices"
	"strings"

	"github.com/shanxi-sme/kb/relate"
)

// Note is one citation attached to a paragraph.
type Note struct {
	Citation string   // 《文档标题》经验三（定襄县）
	Terms    []string // what the paragraph shares with the case, for the reader
}

// Paragraph is a paragraph of the draft with its notes.
type Paragraph struct {
	Text  string
	Notes []Note
	// Heading marks a title line of the draft; Word keeps it a heading.
	Heading bool
}

// FromLinks turns linked paragraphs into export paragraphs; cite names a passage.
func FromLinks(paras []relate.Paragraph, cite func(relate.Link) string) []Paragraph {
	out := make([]Paragraph, len(paras))
	for i, p := range paras {
		out[i].Text = p.Text
		out[i].Heading = p.Heading
		for _, l := range p.Links {
			terms := evidenceTerms(append(append([]string{}, l.Concepts...), l.Terms...), 5)
			out[i].Notes = append(out[i].Notes, Note{Citation: cite(l), Terms: terms})
		}
	}
	return out
}

// evidenceTerms lists what a link rests on for the reader: each wording
// once, and no word that a longer listed word contains (楼宇 beside
// 楼宇经济), at most n.
func evidenceTerms(terms []string, n int) []string {
	var out []string
	for i, t := range terms {
		redundant := slices.Contains(terms[:i], t)
		for _, u := range terms {
			redundant = redundant || (u != t && strings.Contains(u, t))
		}
		if !redundant {
			out = append(out, t)
		}
		if len(out) == n {
			break
		}
	}
	return out
}
