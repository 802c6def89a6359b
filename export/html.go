package export

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// HTML writes a standalone page: each linked paragraph is marked and its
// cases stand beside it as side notes. Everything from the draft is escaped.
func HTML(w io.Writer, title string, paras []Paragraph) error {
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">")
	fmt.Fprintf(&b, "<title>%s</title>\n", html.EscapeString(title))
	b.WriteString(`<style>
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:62rem;margin:2rem auto;color:#1b1b1b;line-height:1.8}
.row{display:grid;grid-template-columns:1fr 18rem;gap:1.5rem;margin:0 0 1rem}
.row p,.row h2{margin:0}
.row h2{font-size:1.2rem}
.linked p,.linked h2{border-left:3px solid #1f4e79;padding-left:.75rem}
aside{font-size:.85rem;color:#444}
aside ol{margin:0;padding-left:1.2rem}
@media print{.row{grid-template-columns:1fr 14rem}}
</style></head><body>
`)
	fmt.Fprintf(&b, "<h1>%s</h1>\n", html.EscapeString(title))
	n := 0
	for _, p := range paras {
		class := "row"
		if len(p.Notes) > 0 {
			class += " linked"
		}
		tag := "p" // a title line of the draft stays a heading, as in the Word export
		if p.Heading {
			tag = "h2"
		}
		fmt.Fprintf(&b, "<div class=\"%s\"><%s>%s</%s><aside>", class, tag, html.EscapeString(p.Text), tag)
		if len(p.Notes) > 0 {
			fmt.Fprintf(&b, "<ol start=\"%d\">", n+1)
			for _, note := range p.Notes {
				n++
				fmt.Fprintf(&b, "<li>%s</li>", html.EscapeString(noteText(note)))
			}
			b.WriteString("</ol>")
		}
		b.WriteString("</aside></div>\n")
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
