package corpus

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// block is one "[name]" section of a block file with its "key: values" lines.
type block struct {
	Name   string
	Line   int
	Fields map[string][]string
}

// parseBlocks reads the editable data format shared by the theme ontology and
// the concept thesaurus:
//
//	# comment
//	[name]
//	key: value, value、value
//
// Values are split on ",", "，" and "、"; the key "说明" is kept whole.
func parseBlocks(r io.Reader, source string) ([]block, error) {
	var out []block
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if strings.HasPrefix(s, "[") {
			if !strings.HasSuffix(s, "]") || len(s) < 3 {
				return nil, fmt.Errorf("%s:%d: malformed header %q", source, line, s)
			}
			out = append(out, block{Name: strings.TrimSpace(s[1 : len(s)-1]), Line: line, Fields: map[string][]string{}})
			continue
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%s:%d: line outside any [section]", source, line)
		}
		key, val, ok := CutKey(s)
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected \"key: value\", got %q", source, line, s)
		}
		b := &out[len(out)-1]
		if key == "说明" {
			b.Fields[key] = append(b.Fields[key], val)
			continue
		}
		b.Fields[key] = append(b.Fields[key], splitValues(val)...)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", source, err)
	}
	return out, nil
}

// CutKey splits "key: value" on the first ASCII or full-width colon; the
// vocabulary files and the .meta sidecars of ingest.LoadTextDir use it.
func CutKey(s string) (key, val string, ok bool) {
	i := strings.IndexAny(s, ":：")
	if i <= 0 {
		return "", "", false
	}
	sep := ":"
	if strings.HasPrefix(s[i:], "：") {
		sep = "："
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+len(sep):]), true
}

func splitValues(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
