package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"log/slog"
	"regexp"
	"strings"

	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/index"
)

func indexCmd(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./data", "数据目录（存放索引）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	kb, err := openKB(ctx, *data, log, embedding.Config{})
	if err != nil {
		return err
	}
	defer kb.Close()
	ix := kb.Index()
	n, err := ix.Count()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "索引就绪：%d 个文段，指纹 %s\n", n, ix.Fingerprint())
	return nil
}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func searchCmd(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./data", "数据目录（存放索引）")
	size := fs.Int("size", 10, "返回条数（1–100）")
	page := fs.Int("page", 1, "页码")
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	explainScores := fs.Bool("explain", false, "输出前几条结果的打分明细（调试检索用）")
	filters := map[string]*multiFlag{}
	for _, f := range index.Facets {
		filters[f] = &multiFlag{}
		fs.Var(filters[f], f, "按"+facetLabel[f]+"筛选（可重复）")
	}
	query, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	// 0 means "not set" to Validate; on the command line it was set, and is wrong.
	if *size == 0 {
		*size = -1
	}
	if *page == 0 {
		*page = -1
	}
	req := index.Request{Query: strings.Join(query, " "), Page: *page, Size: *size, Filters: map[string][]string{}}
	for f, v := range filters {
		if len(*v) > 0 {
			req.Filters[f] = *v
		}
	}
	if err := req.Validate(); err != nil {
		return usagef("%s", strings.TrimPrefix(err.Error(), index.ErrBadRequest.Error()+": "))
	}
	kb, err := openKB(ctx, *data, log, embedding.Config{})
	if err != nil {
		return err
	}
	defer kb.Close()
	ix := kb.Index()
	if *explainScores {
		if strings.TrimSpace(req.Query) == "" {
			return usagef("--explain 需要查询词，如 kb search 楼宇经济 --explain")
		}
		hits, err := ix.ExplainScores(ctx, req)
		if err != nil {
			return err
		}
		writeExplanation(stdout, ix, hits, (req.Page-1)*req.Size)
		return nil
	}
	res, err := ix.Search(ctx, req)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, ix, res)
	}
	fmt.Fprintf(stdout, "共 %d 条结果（%.1f 毫秒）\n\n", res.Total, float64(res.Took.Microseconds())/1000)
	for i, h := range res.Hits {
		p := h.Passage
		fmt.Fprintf(stdout, "%d. %s  [%s｜%s｜%s]\n", (req.Page-1)*req.Size+i+1, p.Title,
			strings.Join(p.Counties, "、"), p.Kind, strings.Join(p.Themes, "、"))
		fmt.Fprintf(stdout, "   %s\n", plainSnippet(h.Snippet))
		fmt.Fprintf(stdout, "   出处：%s\n\n", ix.Library().Citation(p))
	}
	return nil
}

var facetLabel = map[string]string{index.FieldCounty: "县区", index.FieldCity: "城市", index.FieldTheme: "主题", index.FieldKind: "类型", index.FieldPolicy: "引用的政策文件"}

var reMark = regexp.MustCompile(`</?mark>`)

// plainSnippet renders a snippet for a terminal: 【】 around matches.
func plainSnippet(s string) string {
	s = strings.ReplaceAll(s, "<mark>", "【")
	s = strings.ReplaceAll(s, "</mark>", "】")
	return html.UnescapeString(reMark.ReplaceAllString(s, ""))
}

func writeJSON(w io.Writer, ix *index.Index, res *index.Result) error {
	type hit struct {
		ID       string   `json:"id"`
		Title    string   `json:"title"`
		Counties []string `json:"counties"`
		Themes   []string `json:"themes"`
		Kind     string   `json:"kind"`
		Citation string   `json:"citation"`
		Snippet  string   `json:"snippet"`
		Text     string   `json:"text"`
		Score    float64  `json:"score"`
	}
	out := struct {
		Total  uint64                        `json:"total"`
		Hits   []hit                         `json:"hits"`
		Facets map[string][]index.FacetValue `json:"facets"`
	}{Total: res.Total, Hits: []hit{}, Facets: res.Facets}
	for _, h := range res.Hits {
		p := h.Passage
		out.Hits = append(out.Hits, hit{p.ID, p.Title, p.Counties, p.Themes, string(p.Kind), ix.Library().Citation(p), h.Snippet, p.Text, h.Score})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeExplanation prints each hit's score as a table of its pieces.
func writeExplanation(w io.Writer, ix *index.Index, hits []index.ScoredHit, offset int) {
	if len(hits) == 0 {
		fmt.Fprintln(w, "没有结果。")
		return
	}
	for i, h := range hits {
		p := h.Passage
		weak := ""
		if h.Weak {
			weak = "（较弱匹配）"
		}
		fmt.Fprintf(w, "%d. %s  得分 %.3f%s\n   出处：%s\n", offset+i+1, p.Title, h.Score, weak, ix.Library().Citation(p))
		for _, it := range h.Items {
			what := it.Term
			if it.Via != "" {
				what = fmt.Sprintf("%s（概念“%s”，由“%s”扩展）", it.Term, it.Via, it.From)
			}
			fmt.Fprintf(w, "   %-4s %-24s %.3f\n", it.Kind, what, it.Score)
		}
		fmt.Fprintln(w)
	}
}
