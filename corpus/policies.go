package corpus

import (
	"strings"
	"unicode/utf8"
)

// CitedPolicies returns the titles written between 《 and 》 in text, in
// order and each once: the policy documents a passage cites. Titles longer
// than 80 characters are taken as unbalanced brackets and skipped.
func CitedPolicies(text string) []string {
	var out []string
	seen := map[string]bool{}
	for {
		i := strings.Index(text, "《")
		if i < 0 {
			return out
		}
		text = text[i+len("《"):]
		j := strings.Index(text, "》")
		if j < 0 {
			return out
		}
		title := strings.TrimSpace(text[:j])
		text = text[j+len("》"):]
		if title == "" || strings.Contains(title, "《") || utf8.RuneCountInString(title) > 80 || seen[title] {
			continue
		}
		seen[title] = true
		out = append(out, title)
	}
}
