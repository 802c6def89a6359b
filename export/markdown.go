package export

import (
	"fmt"
	"io"
	"strings"
)

// Markdown writes the paragraphs with footnote references ([^1]) after each
// linked paragraph and the footnotes at the end. A title line of the draft
// is a level-2 heading, as in the Word export.
func Markdown(w io.Writer, paras []Paragraph) error {
	var notes []string
	var b strings.Builder
	for _, p := range paras {
		if p.Heading {
			b.WriteString("## ")
		}
		b.WriteString(escapeMarkdown(p.Text))
		for _, n := range p.Notes {
			notes = append(notes, noteText(n))
			fmt.Fprintf(&b, "[^%d]", len(notes))
		}
		b.WriteString("\n\n")
	}
	if len(notes) > 0 {
		b.WriteString("---\n\n")
		for i, n := range notes {
			fmt.Fprintf(&b, "[^%d]: %s\n", i+1, escapeMarkdown(n))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func noteText(n Note) string {
	if len(n.Terms) == 0 {
		return "参见" + n.Citation
	}
	return "参见" + n.Citation + "（相关：" + strings.Join(n.Terms, "、") + "）"
}

// escapeMarkdown keeps draft text from being read as Markdown syntax.
func escapeMarkdown(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "`", "\\`", "<", "&lt;", ">", "&gt;", "#", `\#`)
	return r.Replace(s)
}
