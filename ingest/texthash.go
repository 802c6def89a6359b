package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// textHash is the hex SHA-256 of a document's text with everything a
// format or an editor changes taken out: the text is NFKC-folded
// (full-width letters and digits become ASCII), lower-cased, and only
// letters and digits are kept, so line breaks, spacing, punctuation,
// Markdown marks and table borders do not count. Headings, paragraphs and
// table cells all count, in order. The same report saved as .md, .txt and
// .docx hashes the same; a document whose wording differs does not.
func textHash(blocks []Block) string {
	h := sha256.New()
	var buf []byte
	add := func(s string) {
		buf = buf[:0]
		for _, r := range norm.NFKC.String(s) {
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				buf = append(buf, string(unicode.ToLower(r))...)
			}
		}
		h.Write(buf)
	}
	for _, b := range blocks {
		add(b.Text)
		for _, row := range b.Table {
			for _, c := range row {
				add(c)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
