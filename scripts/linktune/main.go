// Command linktune chooses the thresholds of draft linking without
// fooling itself: it splits a labelled set of outside texts (the format of
// ../shared/eval/link-dev: NN-name.txt with a header and a body after
// "---", labels.json with must/may/not case ids per paragraph) into two
// halves by file number, picks the parameters that score best on one half
// and reports them on the other, both ways round; then it prints the
// figures of the parameters in use on each half and on the whole set.
//
//	go run ./scripts/linktune --folder ../shared/eval/link-dev
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/shanxi-sme/kb/kbase"
	"github.com/shanxi-sme/kb/relate"
)

// caseIDs maps the label ids to the counties of the seed report's cases.
var caseIDs = map[string]string{"小店": "xiaodian", "盐湖": "yanhu", "定襄": "dingxiang", "平定": "pingding",
	"清徐": "qingxu", "文水": "wenshui", "阳城": "yangcheng", "祁县": "qixian", "云冈": "yungang", "侯马": "houma", "长治": "changzhi"}

type labels struct {
	Docs []struct {
		File       string   `json:"file"`
		Topics     []string `json:"topics"`
		Paragraphs map[string]struct {
			Must []string `json:"must"`
			May  []string `json:"may"`
		} `json:"paragraphs"`
	} `json:"docs"`
}

type text struct {
	file   string
	half   int // 0: odd file numbers, 1: even
	neg    bool
	must   []map[string]bool
	may    []map[string]bool
	scored []relate.Paragraph // candidates, computed per score setting
}

type tally struct{ tp, fp, fn, neg int }

func (t tally) p() float64 { return ratio(t.tp, t.tp+t.fp) }
func (t tally) r() float64 { return ratio(t.tp, t.tp+t.fn) }
func (t tally) objective() float64 {
	p, r := t.p(), t.r()
	if p+r == 0 {
		return 0
	}
	return 2*p*r/(p+r) - 0.03*float64(t.neg)
}
func (t tally) String() string {
	return fmt.Sprintf("precision %.2f recall %.2f fp_neg %d (tp %d fp %d fn %d)", t.p(), t.r(), t.neg, t.tp, t.fp, t.fn)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func main() {
	folder := flag.String("folder", "../shared/eval/link-dev", "labelled texts")
	explain := flag.String("explain", "", "print the candidates of the paragraphs of files whose name contains this")
	flag.Float64Var(&maxThreshold, "max-threshold", 100, "consider thresholds up to this only")
	flag.Parse()
	explainFiles = *explain
	if err := run(*folder); err != nil {
		fmt.Fprintln(os.Stderr, "linktune:", err)
		os.Exit(1)
	}
}

func run(folder string) error {
	ctx := context.Background()
	texts, err := load(folder)
	if err != nil {
		return err
	}
	parts, err := kbase.Load()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "linktune-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ix, err := parts.OpenIndex(ctx, dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer ix.Close()
	engine := func(p relate.LinkParams) (*relate.Engine, error) {
		return relate.New(relate.Config{Index: ix, Segmenter: parts.Segmenter, Concepts: parts.Concepts,
			Places: parts.Places, Themes: parts.Themes, Specificity: parts.Specificity, Link: &p})
	}
	type setting struct {
		p   relate.LinkParams
		res [2]tally
	}
	var grid []setting
	base := relate.DefaultLinkParams
	for _, whole := range []float64{0.3, 0.5, 0.7} {
		for _, cw := range []float64{0.6, 1.0, 1.5} {
			for _, pw := range []float64{0.5, 1.5, 3} {
				sp := base
				sp.WholeShare, sp.ConceptW, sp.PlaceW = whole, cw, pw
				e, err := engine(sp)
				if err != nil {
					return err
				}
				for i := range texts {
					raw, _ := os.ReadFile(filepath.Join(folder, texts[i].file))
					_, body, _ := strings.Cut(string(raw), "\n---\n")
					if texts[i].scored, err = e.LinkCandidates(ctx, body); err != nil {
						return err
					}
				}
				for _, th := range []float64{1, 1.5, 2, 2.5, 3, 4} {
					if th > maxThreshold {
						continue
					}
					for _, items := range []int{1, 2, 3} {
						for _, margin := range []float64{0.5, 0.7} {
							for _, topic := range []float64{0.5, 1, 1.5, 100} {
								for _, cov := range []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5} {
									p := sp
									p.Threshold, p.MinItems, p.Margin, p.TopicThreshold, p.MinCoverage = th, items, margin, topic, cov
									grid = append(grid, setting{p, [2]tally{score(texts, p, 0), score(texts, p, 1)}})
								}
							}
						}
					}
				}
				if whole == base.WholeShare && cw == base.ConceptW && pw == base.PlaceW {
					d := base
					fmt.Printf("in use %s\n  odd files:  %s\n  even files: %s\n  all:        %s\n", describe(d),
						score(texts, d, 0), score(texts, d, 1), add(score(texts, d, 0), score(texts, d, 1)))
					for _, t := range texts {
						fmt.Printf("    %-32s %s\n", t.file, marks(t, d))
						if explainFiles != "" && strings.Contains(t.file, explainFiles) {
							printCandidates(t)
						}
					}
				}
			}
		}
	}
	for half := 0; half < 2; half++ {
		sort.SliceStable(grid, func(i, j int) bool { return grid[i].res[half].objective() > grid[j].res[half].objective() })
		fmt.Printf("best on %s files: %s\n  there: %s\n  held out: %s\n", []string{"odd", "even"}[half],
			describe(grid[0].p), grid[0].res[half], grid[0].res[1-half])
	}
	sort.SliceStable(grid, func(i, j int) bool {
		return add(grid[i].res[0], grid[i].res[1]).objective() > add(grid[j].res[0], grid[j].res[1]).objective()
	})
	for _, g := range grid[:5] {
		fmt.Printf("best on all: %s: %s\n", describe(g.p), add(g.res[0], g.res[1]))
	}
	// The setting whose worse half is best: what to expect of unseen texts.
	sort.SliceStable(grid, func(i, j int) bool {
		return min(grid[i].res[0].objective(), grid[i].res[1].objective()) > min(grid[j].res[0].objective(), grid[j].res[1].objective())
	})
	for _, g := range grid[:5] {
		fmt.Printf("best worse half: %s: odd %s; even %s\n", describe(g.p), g.res[0], g.res[1])
	}
	return nil
}

var (
	explainFiles string
	maxThreshold float64
)

func printCandidates(t text) {
	for i, para := range t.scored {
		fmt.Printf("%s P%d %.40s\n", t.file, i+1, para.Text)
		for _, l := range para.Links {
			fmt.Printf("    %-10s %.2f items %d terms %v concepts %v places %v (%s)\n", caseID(l), l.Score, l.Items, l.Terms, l.Concepts, l.Places, l.Passage.Label)
		}
	}
}

func describe(p relate.LinkParams) string {
	return fmt.Sprintf("threshold %.1f items %d coverage %.1f margin %.1f whole %.1f concept %.1f place %.1f topic %.1f",
		p.Threshold, p.MinItems, p.MinCoverage, p.Margin, p.WholeShare, p.ConceptW, p.PlaceW, p.TopicThreshold)
}

func add(a, b tally) tally { return tally{a.tp + b.tp, a.fp + b.fp, a.fn + b.fn, a.neg + b.neg} }

func score(texts []text, p relate.LinkParams, half int) tally {
	var t tally
	for _, x := range texts {
		if x.half != half {
			continue
		}
		decided := decideAll(x, p)
		for i := range x.scored {
			if i >= len(x.must) {
				break
			}
			got := map[string]bool{}
			for _, l := range decided[i] {
				got[caseID(l)] = true
			}
			for c := range got {
				switch {
				case x.must[i][c]:
					t.tp++
				case x.may[i][c]:
				default:
					t.fp++
					if x.neg {
						t.neg++
					}
				}
			}
			for c := range x.must[i] {
				if !got[c] {
					t.fn++
				}
			}
		}
	}
	return t
}

func marks(x text, p relate.LinkParams) string {
	var b strings.Builder
	decided := decideAll(x, p)
	for i, para := range x.scored {
		if i >= len(x.must) {
			break
		}
		ls := decided[i]
		if len(ls) == 0 && len(x.must[i]) == 0 {
			continue
		}
		fmt.Fprintf(&b, "P%d[", i+1)
		got := map[string]bool{}
		for _, l := range ls {
			c := caseID(l)
			got[c] = true
			switch {
			case x.must[i][c]:
				b.WriteString("+")
			case x.may[i][c]:
				b.WriteString("~")
			default:
				fmt.Fprintf(&b, "x%s(%.1f)", c, l.Score)
			}
		}
		for c := range x.must[i] {
			if !got[c] {
				best := 0.0
				for _, l := range para.Links {
					if caseID(l) == c {
						best = l.Score
						break
					}
				}
				fmt.Fprintf(&b, " miss:%s(%.1f)", c, best)
			}
		}
		b.WriteString("] ")
	}
	return b.String()
}

func decideAll(x text, p relate.LinkParams) [][]relate.Link {
	return p.DecideAll(x.scored)
}

func caseID(l relate.Link) string {
	for _, c := range l.Passage.Counties {
		for prefix, id := range caseIDs {
			if strings.HasPrefix(c, prefix) {
				return id
			}
		}
	}
	return "other"
}

func load(folder string) ([]text, error) {
	raw, err := os.ReadFile(filepath.Join(folder, "labels.json"))
	if err != nil {
		return nil, err
	}
	var lab labels
	if err := json.Unmarshal(raw, &lab); err != nil {
		return nil, fmt.Errorf("labels.json: %w", err)
	}
	var out []text
	for i, d := range lab.Docs {
		body, err := os.ReadFile(filepath.Join(folder, d.File))
		if err != nil {
			return nil, err
		}
		_, b, _ := strings.Cut(string(body), "\n---\n")
		t := text{file: d.File, half: i % 2, neg: len(d.Topics) == 0}
		n := 0
		for _, line := range strings.Split(b, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			n++
			l := d.Paragraphs[fmt.Sprintf("P%d", n)]
			t.must = append(t.must, set(l.Must))
			t.may = append(t.may, set(l.May))
		}
		out = append(out, t)
	}
	return out, nil
}

func set(xs []string) map[string]bool {
	out := map[string]bool{}
	for _, x := range xs {
		out[x] = true
	}
	return out
}
