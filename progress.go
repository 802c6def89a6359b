package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// progress draws a one-line bar on a terminal: [#####     ] 12/40 name.
type progress struct {
	w     io.Writer
	total int
	done  int
	width int
}

func newProgress(w io.Writer, total int) *progress { return &progress{w: w, total: total, width: 30} }

// step counts one item and redraws the bar with the item's name.
func (p *progress) step(name string) {
	p.done++
	filled := p.width * p.done / max(p.total, 1)
	if utf8.RuneCountInString(name) > 40 {
		name = "…" + string([]rune(name)[utf8.RuneCountInString(name)-39:])
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %-40s", strings.Repeat("#", filled), strings.Repeat(" ", p.width-filled), p.done, p.total, name)
	if p.done == p.total {
		fmt.Fprintln(p.w)
	}
}
