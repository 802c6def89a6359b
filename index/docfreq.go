package index

import (
	"context"
	"fmt"
)

// maxSubwordShare is the share of passages above which a sub-word of a
// query term is too common to help: 经济 inside 楼宇经济, 企业 inside
// 高新技术企业. The whole term still counts; only the loose part goes.
const maxSubwordShare = 0.2

// docFreq returns how many passages contain term in field.
func (ix *Index) docFreq(ctx context.Context, field, term string) (uint64, error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return 0, fmt.Errorf("index internals: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return 0, fmt.Errorf("index reader: %w", err)
	}
	defer r.Close()
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("term reader %s:%s: %w", field, term, err)
	}
	defer tfr.Close()
	return tfr.Count(), nil
}

// pruneCommonSubwords drops sub-words found in more than maxSubwordShare of
// the passages. On any error it keeps them: pruning only sharpens ranking.
func (ix *Index) pruneCommonSubwords(ctx context.Context, pq *parsedQuery) {
	if len(pq.subs) == 0 {
		return
	}
	total, err := ix.bleve.DocCount()
	if err != nil || total == 0 {
		return
	}
	kept := pq.subs[:0]
	for _, s := range pq.subs {
		df, err := ix.docFreq(ctx, FieldText, s)
		if err == nil && float64(df) > maxSubwordShare*float64(total) {
			continue
		}
		kept = append(kept, s)
	}
	pq.subs = kept
}
