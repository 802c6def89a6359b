package relate

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
)

// Linking reads a draft paragraph by paragraph and points each paragraph
// to the practices (cases) it relates to. A paragraph is compared with
// each candidate case as a whole and with the case's best measure; a link
// needs specific evidence (words that are telling in general Chinese and
// in this knowledge base, or shared concepts). A place named together
// with the case's topic (定襄 + 法兰) adds to that evidence; a place alone
// is none, so a paragraph set in 云冈区 about patent loans links to the
// patent-loan case of 长治高新区, not to 云冈区's pilot plants.

// MaxLinkParagraphs bounds the paragraphs of one request.
const MaxLinkParagraphs = 2000

// LinkParams are the evidence thresholds of linking. The defaults were
// chosen on one half of a labelled development set and checked on the
// other (README: 草稿关联).
type LinkParams struct {
	Threshold   float64 // a link's score must reach this
	MinCoverage float64 // and cover this share of the paragraph's specific words
	MinItems    int     // and rest on at least this many items of evidence
	Margin      float64 // a further link needs this share of the best link's score
	MaxLinks    int     // links per paragraph
	WholeShare  float64 // weight of the whole case against its best measure
	ConceptW    float64 // weight of a shared concept
	PlaceW      float64 // added when the paragraph names the case's county beside topical evidence
	PlaceTopic  float64 // the topical evidence a place needs beside it
	MinHan      int     // shorter paragraphs (dates, signatures) are not linked
	Retrieval           // how candidates are found
	// A case that is the best candidate of at least TopicParas paragraphs,
	// each time on specific evidence scoring at least TopicThreshold, is a
	// topic of the draft; such evidence then suffices for it in any
	// paragraph, as a reader who knows what the draft is about reads it.
	TopicParas     int
	TopicThreshold float64
}

// DefaultLinkParams are the thresholds in use.
var DefaultLinkParams = LinkParams{
	Threshold: 1.5, MinItems: 2, MinCoverage: 0.2, Margin: 0.7, MaxLinks: 3, WholeShare: 0.3,
	ConceptW: 0.6, PlaceW: 0.5, PlaceTopic: 1.0, MinHan: 8,
	Retrieval:  Retrieval{KeyTerms: 12, MinKeyTerm: 0.3, ConceptBoost: 0.6, Size: 40},
	TopicParas: 2, TopicThreshold: 1.0,
}

// Paragraph is one paragraph of a draft with its suggested links.
type Paragraph struct {
	Index      int // from 0
	Start, End int // character (rune) offsets into the linked text
	Text       string
	Links      []Link
	// Heading marks a title line (short, no sentence punctuation): it
	// links on its own evidence only, never through the draft's topics,
	// which it merely announces.
	Heading bool
}

// Link is a case (or other practice passage) a paragraph relates to.
type Link struct {
	Passage  *corpus.Passage // the case's measure closest to the paragraph
	Evidence                 // Evidence.Score is comparable across paragraphs
}

// Paragraphs splits text into non-empty lines with their rune offsets.
func Paragraphs(text string) []Paragraph {
	var out []Paragraph
	pos := 0
	for _, line := range strings.SplitAfter(text, "\n") {
		n := utf8.RuneCountInString(line)
		trimmed := strings.TrimSpace(line)
		if trimmed != "" {
			lead := utf8.RuneCountInString(line[:strings.Index(line, trimmed)])
			out = append(out, Paragraph{Index: len(out), Start: pos + lead,
				End: pos + lead + utf8.RuneCountInString(trimmed), Text: trimmed, Links: []Link{}, Heading: looksLikeHeading(trimmed)})
		}
		pos += n
	}
	return out
}

// Link splits text into paragraphs and links each to related practices.
func (e *Engine) Link(ctx context.Context, text string) ([]Paragraph, error) {
	paras, err := e.LinkCandidates(ctx, text)
	if err != nil {
		return nil, err
	}
	for i, ls := range e.link.DecideAll(paras) {
		paras[i].Links = ls
	}
	return paras, nil
}

// looksLikeHeading tells a title line from running text.
func looksLikeHeading(s string) bool {
	return utf8.RuneCountInString(s) < 40 && !strings.ContainsAny(s, "。！？；")
}

// LinkCandidates is Link without the decision: every paragraph with every
// candidate case that has any evidence, best first. Tuning reads it.
func (e *Engine) LinkCandidates(ctx context.Context, text string) ([]Paragraph, error) {
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("%w: 文本不是有效的 UTF-8", ErrBadRequest)
	}
	paras := Paragraphs(text)
	if len(paras) > MaxLinkParagraphs {
		return nil, fmt.Errorf("%w: 段落过多（%d 段），一次最多 %d 段", ErrBadRequest, len(paras), MaxLinkParagraphs)
	}
	for i := range paras {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if hanCount(paras[i].Text) < e.link.MinHan {
			continue
		}
		links, err := e.linkParagraph(ctx, paras[i].Text)
		if err != nil {
			return nil, err
		}
		paras[i].Links = links
	}
	return paras, nil
}

// DecideAll decides the links of every paragraph of a draft (with its
// candidates, best first, as LinkCandidates gives them): first on each
// paragraph's own evidence, then again with the draft's topics (see
// LinkParams.TopicParas).
func (lp LinkParams) DecideAll(paras []Paragraph) [][]Link {
	out := make([][]Link, len(paras))
	count := map[string]int{}
	for i, p := range paras {
		c := p.Links
		out[i] = lp.Decide(c, nil)
		if len(c) > 0 && c[0].Items >= 1 && c[0].Score >= lp.TopicThreshold {
			count[unitKey(c[0].Passage)]++
		}
	}
	topics := map[string]bool{}
	for k, n := range count {
		if lp.TopicParas > 0 && n >= lp.TopicParas {
			topics[k] = true
		}
	}
	if len(topics) == 0 {
		return out
	}
	for i, p := range paras {
		if !p.Heading {
			out[i] = lp.Decide(p.Links, topics)
		}
	}
	return out
}

// Decide keeps the links of one paragraph that clear the thresholds, best
// first; the draft's topics need less evidence.
func (lp LinkParams) Decide(cands []Link, topics map[string]bool) []Link {
	out := []Link{}
	for _, l := range cands {
		clears := l.Score >= lp.Threshold && l.Items >= lp.MinItems && l.Coverage >= lp.MinCoverage
		if topics[unitKey(l.Passage)] && l.Score >= lp.TopicThreshold && l.Items >= 1 {
			clears = true
		}
		if !clears {
			continue
		}
		if len(out) > 0 && l.Score < lp.Margin*out[0].Score {
			break
		}
		out = append(out, l)
		if len(out) == lp.MaxLinks {
			break
		}
	}
	return out
}

func (e *Engine) linkParagraph(ctx context.Context, text string) ([]Link, error) {
	lp := e.link
	para := e.profileOf(text)
	w, err := e.weights(ctx, para)
	if err != nil {
		return nil, err
	}
	lib := e.ix.Library()
	units, err := e.candidates(ctx, lib, para, w, lp.Retrieval)
	if err != nil {
		return nil, fmt.Errorf("link paragraph: %w", err)
	}
	var out []Link
	for _, u := range units {
		l, ok := e.score(para, u, w)
		if ok {
			out = append(out, l)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out, nil
}

// score weighs the evidence a paragraph shares with a unit: with the unit
// as a whole and with its closest passage.
func (e *Engine) score(para *profile, u *unit, w map[string]float64) (Link, bool) {
	lp := e.link
	whole := compare(para, u.whole, w, lp.ConceptW)
	if whole.Topic <= 0 {
		return Link{}, false
	}
	best, bestI := Evidence{}, 0
	for i, part := range u.parts {
		if ev := compare(para, part, w, lp.ConceptW); ev.Topic > best.Topic {
			best, bestI = ev, i
		}
	}
	l := Link{Passage: u.passages[bestI], Evidence: whole}
	l.Score = lp.WholeShare*whole.Topic + (1-lp.WholeShare)*best.Topic
	for _, c := range u.counties {
		if para.counties[c] {
			l.Places = append(l.Places, c)
		}
	}
	if len(l.Places) > 0 && whole.Topic >= lp.PlaceTopic {
		l.Score += lp.PlaceW
		l.Items++
	}
	return l, true
}

// Retrieval is how the candidates of a comparison are found in the index.
type Retrieval struct {
	KeyTerms     int     // the most specific words of the text that find candidates
	MinKeyTerm   float64 // the specificity such a word needs
	ConceptBoost float64 // boost of a concept's wording
	Size         int     // passages retrieved
}

// candidates finds the units that may relate to a profile: the units of
// the passages that share its most specific words and concepts, and the
// units about the counties it names.
func (e *Engine) candidates(ctx context.Context, lib *corpus.Library, p *profile, w map[string]float64, r Retrieval) ([]*unit, error) {
	var q index.LikeQuery
	for _, t := range keyTerms(p, w, r.KeyTerms, r.MinKeyTerm) {
		q.Terms = append(q.Terms, index.WeightedTerm{Term: t, Weight: w[t]})
	}
	for _, c := range sortedKeys(p.concepts) {
		for _, t := range e.conceptWordings(c) {
			q.Phrases = append(q.Phrases, index.WeightedTerm{Term: t, Weight: r.ConceptBoost * p.concepts[c]})
		}
	}
	hits, err := e.ix.MoreLike(ctx, q, r.Size)
	if err != nil {
		return nil, err
	}
	var out []*unit
	seen := map[string]bool{}
	add := func(pass *corpus.Passage) {
		if !isPractice(pass) || seen[unitKey(pass)] {
			return
		}
		seen[unitKey(pass)] = true
		out = append(out, e.unitOf(lib, pass))
	}
	for _, h := range hits {
		if pass, ok := lib.Passage(h.ID); ok {
			add(pass)
		}
	}
	for _, c := range sortedKeys(p.counties) {
		for _, ci := range lib.CasesOf(c) {
			for _, id := range ci.Passages {
				if pass, ok := lib.Passage(id); ok {
					add(pass)
					break
				}
			}
		}
	}
	return out, nil
}

// conceptWordings returns the preferred term and synonyms of a concept.
func (e *Engine) conceptWordings(preferred string) []string {
	c, ok := e.concepts.Concept(preferred)
	if !ok {
		return nil
	}
	return append([]string{c.Preferred}, c.Synonyms...)
}

func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			n++
		}
	}
	return n
}
