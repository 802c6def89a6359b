package relate_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/relate"
)

// Every offer comes from another county, rests on specific evidence it
// can name, and clears the bar; no passage is offered padding.
func TestSimilarOnlyWhatClearsTheBar(t *testing.T) {
	ctx := context.Background()
	empty, offered := 0, 0
	for _, p := range ix.Library().Passages() {
		if p.Case == nil {
			continue
		}
		hits, err := engine.Similar(ctx, p.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 {
			empty++
		}
		seen := map[string]bool{}
		for _, h := range hits {
			offered++
			if slices.Contains(h.Passage.Counties, p.Case.County) || h.Passage.ID == p.ID {
				t.Errorf("%s: similar practice %s is from the same county", p.ID, h.Passage.ID)
			}
			if h.Items < relate.DefaultSimilarParams.MinItems || h.Score < relate.DefaultSimilarParams.Threshold {
				t.Errorf("%s: offer %s below the bar (%.2f, %d items)", p.ID, h.Passage.ID, h.Score, h.Items)
			}
			if len(h.Terms)+len(h.Concepts) == 0 {
				t.Errorf("%s: offer %s shares nothing it can name", p.ID, h.Passage.ID)
			}
			key := h.Passage.DocID + "#" + h.Passage.Case.Title
			if seen[key] {
				t.Errorf("%s: case %s offered twice", p.ID, h.Passage.Case.Title)
			}
			seen[key] = true
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Errorf("%s: offers out of order", p.ID)
			}
		}
	}
	if empty == 0 || offered == 0 {
		t.Errorf("%d passages without offers, %d offers: the bar either pads or blocks everything", empty, offered)
	}
}

// Ordinary words shared by every report make no similar practice.
func TestSimilarIgnoresOrdinaryWords(t *testing.T) {
	ctx := context.Background()
	for _, p := range ix.Library().Passages() {
		if p.Case == nil {
			continue
		}
		hits, err := engine.Similar(ctx, p.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			for _, w := range h.Terms {
				if parts.Specificity.General(w) == 0 && !strings.ContainsAny(w, "0123456789") {
					if len(h.Terms) == 1 && len(h.Concepts) == 0 {
						t.Errorf("%s ~ %s on the ordinary word %s alone", p.ID, h.Passage.ID, w)
					}
				}
			}
		}
	}
}

// The 小升规 work of 文水县 leads to another county's 小升规 work.
func TestSimilarFindsTheSamePractice(t *testing.T) {
	var src *corpus.Passage
	for _, p := range ix.Library().Passages() {
		if p.Case != nil && p.Case.County == "文水县" && strings.Contains(p.Text, "小升规") && strings.HasPrefix(p.Label, "三是") {
			src = p
		}
	}
	if src == nil {
		t.Fatal("文水县's 小升规 measure not found")
	}
	hits, err := engine.Similar(context.Background(), src.ID, 5)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range hits {
		found = found || strings.Contains(h.Passage.Text, "小升规")
	}
	if !found {
		t.Errorf("no other county's 小升规 work among %d offers", len(hits))
	}
}

func TestSimilarErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := engine.Similar(ctx, "no-such-id", 5); !errors.Is(err, relate.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	id := ix.Library().Passages()[0].ID
	for _, size := range []int{0, -1, relate.MaxSimilar + 1} {
		if _, err := engine.Similar(ctx, id, size); !errors.Is(err, relate.ErrBadRequest) {
			t.Errorf("size %d: %v", size, err)
		}
	}
}
