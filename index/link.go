package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/corpus"
)

// Linking reads a draft paragraph by paragraph and points each paragraph
// to the practices (cases) it relates to. A link needs topical evidence:
// specific words or concepts the paragraph shares with the case. A place
// or a theme in common only strengthens such evidence; by itself it links
// nothing, so a paragraph set in 云冈区 about patent loans links to the
// patent-loan case of 长治高新区, not to 云冈区's pilot plants.

// Limits and thresholds of linking (see the README for how they were chosen).
const (
	MaxLinkParagraphs = 2000 // paragraphs in one request
	maxLinksPerPara   = 3
	minLinkHan        = 12  // shorter paragraphs (headings, dates) are not linked
	linkKeyTerms      = 10  // key terms of a paragraph that make its query
	linkCandidates    = 30  // passages considered per paragraph
	specificShare     = 0.1 // a word in at most this share of passages is specific
	linkMinEvidence   = 4.0 // evidence a link needs: about two specific words and a concept (README: how it was chosen)
	linkMinSpecific   = 2   // and at least this many specific words or concepts
	linkRelativeCut   = 0.5 // a further link needs this share of the best link's evidence
	boostLinkConcept  = 0.6
	boostLinkTheme    = 0.2
)

// LinkedParagraph is one paragraph of a draft with its suggested links.
type LinkedParagraph struct {
	Index      int // from 0
	Start, End int // character (rune) offsets into the linked text
	Text       string
	Links      []Link
}

// Link is a case (or other practice passage) a paragraph relates to.
type Link struct {
	Passage  *corpus.Passage // the best passage of the case for this paragraph
	Score    float64         // evidence, comparable across paragraphs
	Terms    []string        // specific words both share
	Concepts []string        // concepts both mention
	Themes   []string        // themes both carry
	Places   []string        // counties both name
}

// Paragraphs splits text into non-empty lines with their rune offsets.
func Paragraphs(text string) []LinkedParagraph {
	var out []LinkedParagraph
	pos := 0
	for _, line := range strings.SplitAfter(text, "\n") {
		n := utf8.RuneCountInString(line)
		trimmed := strings.TrimSpace(line)
		if trimmed != "" {
			lead := utf8.RuneCountInString(line[:strings.Index(line, trimmed)])
			out = append(out, LinkedParagraph{Index: len(out), Start: pos + lead,
				End: pos + lead + utf8.RuneCountInString(trimmed), Text: trimmed, Links: []Link{}})
		}
		pos += n
	}
	return out
}

// Link splits text into paragraphs and links each to related practices.
func (ix *Index) Link(ctx context.Context, text string) ([]LinkedParagraph, error) {
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("%w: 文本不是有效的 UTF-8", ErrBadRequest)
	}
	paras := Paragraphs(text)
	if len(paras) > MaxLinkParagraphs {
		return nil, fmt.Errorf("%w: 段落过多（%d 段），一次最多 %d 段", ErrBadRequest, len(paras), MaxLinkParagraphs)
	}
	total, err := ix.bleve.DocCount()
	if err != nil {
		return nil, fmt.Errorf("count passages: %w", err)
	}
	for i := range paras {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if hanCount(paras[i].Text) < minLinkHan || looksLikeHeading(paras[i].Text) {
			continue
		}
		links, err := ix.linkParagraph(ctx, paras[i].Text, total)
		if err != nil {
			return nil, err
		}
		paras[i].Links = links
	}
	return paras, nil
}

func (ix *Index) linkParagraph(ctx context.Context, text string, total uint64) ([]Link, error) {
	keys, err := ix.keyTerms(ctx, text)
	if err != nil {
		return nil, err
	}
	if len(keys) > linkKeyTerms {
		keys = keys[:linkKeyTerms]
	}
	concepts := ix.conceptSet(text)
	themes := map[string]bool{}
	for th, sc := range ix.themes.Score(text) {
		if sc.Score >= 2 {
			themes[th.Name] = true
		}
	}
	var places []string
	for _, p := range ix.places.Find(text) {
		if !p.IsCity() {
			places = append(places, p.Name)
		}
	}
	hits, err := ix.moreLike(ctx, profile{keys: keys, concepts: concepts, themes: sortedKeys(themes),
		themeField: FieldCaseTheme, conceptW: boostLinkConcept, themeW: boostLinkTheme}, linkCandidates)
	if err != nil {
		return nil, fmt.Errorf("link paragraph: %w", err)
	}
	lib := ix.Library()
	best := map[string]Link{}
	var order []string
	for _, m := range hits {
		p, ok := lib.Passage(m.ID)
		if !ok || !isPractice(p) {
			continue
		}
		l := Link{Passage: p}
		specific := 0
		for _, k := range keys {
			if _, ok := m.Locations[FieldText][k.term]; !ok {
				continue
			}
			l.Terms = append(l.Terms, k.term)
			df, err := ix.docFreq(ctx, FieldText, k.term)
			if err == nil && float64(df) <= specificShare*float64(total) {
				specific++
				l.Score += 1 + math.Log(float64(total)/float64(max(df, 1)))/math.Log(float64(max(total, 2)))
			} else {
				l.Score += 0.3
			}
		}
		for c := range ix.conceptSet(p.Text) {
			if concepts[c] {
				l.Concepts = append(l.Concepts, c)
				specific++
				l.Score += 1
			}
		}
		for _, th := range p.Themes {
			if themes[th] {
				l.Themes = append(l.Themes, th)
			}
		}
		for _, c := range p.Counties {
			if slices.Contains(places, c) {
				l.Places = append(l.Places, c)
			}
		}
		if specific < linkMinSpecific {
			continue // shared themes and places alone are no evidence
		}
		l.Score += 0.5*float64(min(len(l.Themes), 2)) + 0.5*float64(min(len(l.Places), 1))
		if l.Score < linkMinEvidence {
			continue
		}
		sort.Strings(l.Concepts)
		key := caseKey(p)
		if prev, ok := best[key]; !ok || l.Score > prev.Score {
			if !ok {
				order = append(order, key)
			}
			best[key] = l
		}
	}
	out := make([]Link, 0, len(order))
	for _, k := range order {
		out = append(out, best[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	for i := range out {
		if i == maxLinksPerPara || out[i].Score < linkRelativeCut*out[0].Score {
			out = out[:i]
			break
		}
	}
	return out, nil
}

// looksLikeHeading tells a title line (short, no sentence punctuation)
// from running text: a draft's title names its subject but is no practice.
func looksLikeHeading(s string) bool {
	return utf8.RuneCountInString(s) < 40 && !strings.ContainsAny(s, "。！？；，")
}

// caseKey groups passages of one case; other practice passages stand alone.
func caseKey(p *corpus.Passage) string {
	if p.Case == nil {
		return p.ID
	}
	return fmt.Sprintf("%s#%d", p.DocID, p.Case.Number)
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
