// Package embedcheck tells whether an embedding model helps search on the
// embedded corpus: it runs a built-in set of questions about the report's
// county cases with the vectors off and on and compares nDCG@10 and MRR.
package embedcheck

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shanxi-sme/kb/index"
)

//go:embed data/questions.tsv
var questionsTSV []byte

// Question is a query with the counties whose case answers it; a control
// question has none and should return nothing.
type Question struct {
	Text     string
	Counties []string
}

// Questions returns the built-in questions.
func Questions() ([]Question, error) {
	var out []Question
	sc := bufio.NewScanner(bytes.NewReader(questionsTSV))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		text, want, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("questions.tsv line %d: want question<TAB>counties", n)
		}
		q := Question{Text: strings.TrimSpace(text)}
		if want = strings.TrimSpace(want); want != "-" {
			q.Counties = strings.Split(want, "、")
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	return out, nil
}

// K is the rank cut-off of the measures.
const K = 10

// Score sums up one run over the questions.
type Score struct {
	NDCG float64 // mean nDCG@10 over the answerable questions
	MRR  float64 // mean reciprocal rank of the first relevant case, within the first 10
	// ControlHits counts the results of the control questions, which
	// should be none.
	ControlHits int
}

// Evaluate searches each question, hits grouped by case, with the given
// semantic ratio (0: keywords only; nil: the index's default fusion, as a
// user's search gets it). A hit is relevant when its case is in one of the
// question's counties.
func Evaluate(ctx context.Context, ix *index.Index, qs []Question, ratio *float64) (Score, error) {
	var s Score
	n := 0
	for _, q := range qs {
		res, err := ix.Search(ctx, index.Request{Query: q.Text, Size: K, Group: index.GroupCase, SemanticRatio: ratio})
		if err != nil {
			return Score{}, fmt.Errorf("search %q: %w", q.Text, err)
		}
		if len(q.Counties) == 0 {
			s.ControlHits += int(res.Passages)
			continue
		}
		n++
		var dcg float64
		first := 0
		for i, h := range res.Hits {
			c := h.Passage.Case
			if c == nil || !slices.Contains(q.Counties, c.County) {
				continue
			}
			dcg += 1 / math.Log2(float64(i+2))
			if first == 0 {
				first = i + 1
			}
		}
		var ideal float64
		for i := range min(len(q.Counties), K) {
			ideal += 1 / math.Log2(float64(i+2))
		}
		s.NDCG += dcg / ideal
		if first > 0 {
			s.MRR += 1 / float64(first)
		}
	}
	if n > 0 {
		s.NDCG /= float64(n)
		s.MRR /= float64(n)
	}
	return s, nil
}

// Report compares keyword-only search with hybrid search.
type Report struct {
	Questions int     // answerable and control questions asked
	Ratio     float64 // the default semantic ratio of the index
	Keyword   Score
	Hybrid    Score
}

// Margin is the change of nDCG@10 below which a model counts as neutral.
const Margin = 0.01

// Run evaluates the built-in questions with the vectors off and on. On,
// the index's default fusion applies as in a user's search (its ratio a
// ceiling lowered by the keyword confidence, index.Fusion.Capped), so the
// verdict is about what users will get.
func Run(ctx context.Context, ix *index.Index) (Report, error) {
	qs, err := Questions()
	if err != nil {
		return Report{}, err
	}
	r := Report{Ratio: ix.Fusion().Ratio, Questions: len(qs)}
	zero := 0.0
	if r.Keyword, err = Evaluate(ctx, ix, qs, &zero); err != nil {
		return Report{}, fmt.Errorf("keyword-only run: %w", err)
	}
	if r.Hybrid, err = Evaluate(ctx, ix, qs, nil); err != nil {
		return Report{}, fmt.Errorf("hybrid run: %w", err)
	}
	return r, nil
}

// Effect is +1 when the model helps, -1 when it hurts, 0 when neutral.
func (r Report) Effect() int {
	switch d := r.Hybrid.NDCG - r.Keyword.NDCG; {
	case d > Margin:
		return 1
	case d < -Margin:
		return -1
	}
	return 0
}

// Verdict says in Chinese what the model does to search.
func (r Report) Verdict() string {
	d := r.Hybrid.NDCG - r.Keyword.NDCG
	var v string
	switch r.Effect() {
	case 1:
		v = fmt.Sprintf("向量模型有帮助：nDCG@10 提高 %.3f。", d)
	case -1:
		v = fmt.Sprintf("向量模型有害：nDCG@10 降低 %.3f，建议调低 --semantic-ratio、调高 --semantic-min-sim，或换用更好的模型。", -d)
	default:
		v = fmt.Sprintf("向量模型影响不明显：nDCG@10 变化 %+.3f（不足 %.2f）。", d, Margin)
	}
	if extra := r.Hybrid.ControlHits - r.Keyword.ControlHits; extra > 0 {
		v += fmt.Sprintf("\n注意：与知识库无关的对照问题因向量多返回了 %d 条结果，相似度下限偏低，建议调高 --semantic-min-sim。", extra)
	}
	return v
}

// String prints the figures and the verdict.
func (r Report) String() string {
	return fmt.Sprintf("只用关键词：nDCG@10 %.3f  MRR@10 %.3f\n混合检索（语义权重上限 %.2f）：nDCG@10 %.3f  MRR@10 %.3f  对照问题结果 %d 条（只用关键词时 %d 条）\n%s\n",
		r.Keyword.NDCG, r.Keyword.MRR, r.Ratio, r.Hybrid.NDCG, r.Hybrid.MRR, r.Hybrid.ControlHits, r.Keyword.ControlHits, r.Verdict())
}
