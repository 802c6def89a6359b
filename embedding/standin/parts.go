package standin

import (
	"github.com/shanxi-sme/kb/kbase"
	"github.com/shanxi-sme/kb/segment"
)

// CorpusTexts returns the texts of the embedded corpus's passages as the
// index embeds them (title line, then text): what a stand-in model learns
// from.
func CorpusTexts(p *kbase.Parts) []string {
	var texts []string
	for _, ps := range p.Library.Passages() {
		title := ps.Title
		if ps.Case != nil {
			title = ps.Case.Title
		}
		texts = append(texts, title+"\n"+ps.Text)
	}
	return texts
}

// ConceptOf is the Concept model over the embedded thesaurus and corpus.
func ConceptOf(p *kbase.Parts) Model {
	var texts []string
	for _, ps := range p.Library.Passages() {
		texts = append(texts, ps.Text)
	}
	return Concept(p.Concepts, texts)
}

// SemanticOf is the Semantic model learnt from the embedded corpus, with
// the project's segmenter, thesaurus and general-language specificity.
func SemanticOf(p *kbase.Parts) Model {
	words := func(text string) []string {
		toks := p.Segmenter.Tokens([]byte(text), segment.WithSubwords)
		out := make([]string, len(toks))
		for i, t := range toks {
			out[i] = t.Term
		}
		return out
	}
	return Semantic(SemanticConfig{
		Words:     words,
		General:   p.Specificity.General,
		Thesaurus: p.Concepts,
		Corpus:    CorpusTexts(p),
	})
}
