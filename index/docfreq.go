package index

import (
	"context"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

	index "github.com/blevesearch/bleve_index_api"
)

// maxSubwordShare is the share of passages above which a sub-word of a
// query term is too common to help: 经济 inside 楼宇经济, 企业 inside
// 高新技术企业. The whole term still counts; only the loose part goes.
const maxSubwordShare = 0.2

// reader opens a reader on the current snapshot of the index; the caller
// closes it.
func (ix *Index) reader() (index.IndexReader, error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index internals: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("index reader: %w", err)
	}
	return r, nil
}

// DocFreqs returns how many passages contain each of terms as a word,
// and how many passages there are, read from one snapshot of the index.
func (ix *Index) DocFreqs(ctx context.Context, terms []string) (map[string]uint64, uint64, error) {
	total, err := ix.bleve.DocCount()
	if err != nil {
		return nil, 0, fmt.Errorf("count passages: %w", err)
	}
	r, err := ix.reader()
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	out := make(map[string]uint64, len(terms))
	for _, t := range terms {
		if _, done := out[t]; done {
			continue
		}
		tfr, err := r.TermFieldReader(ctx, []byte(t), FieldText, false, false, false)
		if err != nil {
			return nil, 0, fmt.Errorf("term reader %s: %w", t, err)
		}
		out[t] = tfr.Count()
		_ = tfr.Close()
	}
	return out, total, nil
}

// maxTermShare is the share of passages above which a word of the query
// is too common to select (企业).
const maxTermShare = 0.3

// looseSpecific is the general-language specificity (package specificity)
// below which a piece of a query word is loose: 经济 of 楼宇经济, 企业 of
// 科技型企业. A passage that only such pieces match is a weak match.
const looseSpecific = 0.1

// pruneCommon looks up how common each part of the query is and drops
// what selects nearly everything: common sub-words and bigrams go, common
// words stop counting for the match (they stay in the phrase). Besides
// sharpening the ranking this keeps the set of matches, and so the cost of
// scoring and faceting them, in proportion to what the query asks for.
// On any error nothing is dropped.
func (ix *Index) pruneCommon(ctx context.Context, pq *parsedQuery) {
	total, err := ix.bleve.DocCount()
	if err != nil || total == 0 {
		return
	}
	r, err := ix.reader()
	if err != nil {
		return
	}
	defer r.Close()
	count := func(field, term string) uint64 {
		tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
		if err != nil {
			return 0
		}
		defer tfr.Close()
		return tfr.Count()
	}
	share := func(field, term string) float64 { return float64(count(field, term)) / float64(total) }
	pq.common = map[string]bool{}
	var unknown []string // words the index never saw as words: split differently there
	rarest := total      // passages holding the rarest word: at most that many hold the phrase
	for _, t := range pq.terms {
		n := count(FieldText, t)
		rarest = min(rarest, n)
		if float64(n)/float64(total) > maxTermShare {
			pq.common[t] = true
		}
		if n == 0 {
			unknown = append(unknown, t)
		}
	}
	pq.phraseLater = pq.hasPhraseLift() && rarest > uint64(ix.phraseRescoreMin)
	kept := pq.subs[:0]
	for _, s := range pq.subs {
		if share(FieldText, s) <= maxSubwordShare {
			kept = append(kept, s)
		}
	}
	pq.subs = kept
	pq.loose = map[string]bool{}
	if ix.spec != nil {
		for _, s := range pq.subs {
			if ix.spec.General(s) < looseSpecific {
				pq.loose[s] = true
			}
		}
		// A character the segmenter left alone beside real words is a
		// light verb or adjective (做、大、强 of 做大做强特色产业): rare as a
		// word in the passages, so BM25 would weigh it above the topic.
		// It is loose like a generic piece of a word. A query of such
		// characters only still means them.
		words := pq.scoring()
		if slices.ContainsFunc(words, func(w string) bool { return utf8.RuneCountInString(w) > 1 }) {
			for _, w := range words {
				if utf8.RuneCountInString(w) == 1 && ix.spec.General(w) < looseSpecific {
					pq.loose[w] = true
				}
			}
		}
	}
	// A word the index never saw whole is matched by its pieces; where its
	// characters stand together in a passage, that run is marked.
	pq.bigrams = hanBigrams(unknown)
}

// hanBigrams returns the distinct pairs of adjacent Han characters of terms.
func hanBigrams(terms []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range terms {
		r := []rune(t)
		for i := 0; i+1 < len(r); i++ {
			if !isHan(r[i]) || !isHan(r[i+1]) {
				continue
			}
			g := string(r[i : i+2])
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	return out
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }
