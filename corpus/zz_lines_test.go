package corpus

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/ledongthuc/pdf"
)

func TestZZLines(t *testing.T) {
	path := os.Getenv("LINES")
	if path == "" {
		t.Skip()
	}
	raw, _ := os.ReadFile(path)
	r, err := pdf.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var pages []pdf.Value
	collectPages(r.Trailer().Key("Root").Key("Pages"), 0, &pages, new(int))
	for i, pg := range pages {
		ls, err := readPDFPage(i+1, pg, &pdfBudget{})
		fmt.Println("page", i+1, err)
		for _, l := range ls {
			fmt.Printf("  x=%.1f end=%.1f y=%.1f size=%.1f %q\n", l.x, l.end, l.y, l.size, l.text)
		}
	}
}
