package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// run loads the knowledge base (kbase.Load, about two seconds) whenever a
// command needs the index, and bleve accepts only one segmenter per
// process. So exactly one test here loads in this process
// (TestRunSearchJSON); every other command that loads, or that might load
// if its argument checks regressed, runs in a child process: this test
// binary started again with childEnv set, which makes TestMain run the
// given commands and exit.
const childEnv = "KB_MAIN_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(runChild(spec))
	}
	os.Exit(m.Run())
}

// runChild runs each command of spec (a JSON list of argument lists) in
// turn with run, in this one process; it exits 3 at the first error.
func runChild(spec string) int {
	var cmds [][]string
	if err := json.Unmarshal([]byte(spec), &cmds); err != nil {
		fmt.Fprintln(os.Stderr, "bad child spec:", err)
		return 4
	}
	for i, args := range cmds {
		if err := run(context.Background(), args, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintf(os.Stderr, "RUN %d ERROR: %v\n", i+1, err)
			return 3
		}
	}
	return 0
}

type childResult struct {
	stdout, stderr string
	code           int
}

// child runs the commands in a fresh process and returns its output.
func child(t *testing.T, cmds ...[]string) childResult {
	t.Helper()
	res, timedOut := childWithin(t, 3*time.Minute, cmds...)
	if timedOut {
		t.Fatalf("child %q did not finish in 3 minutes; stderr: %s", cmds, res.stderr)
	}
	return res
}

// childCmd prepares a child process that runs cmds.
func childCmd(t *testing.T, ctx context.Context, cmds ...[]string) *exec.Cmd {
	t.Helper()
	spec, err := json.Marshal(cmds)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
	return cmd
}

// childWithin runs the commands in a fresh process, killing it after limit.
func childWithin(t *testing.T, limit time.Duration, cmds ...[]string) (childResult, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := childCmd(t, ctx, cmds...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := childResult{stdout: out.String(), stderr: errb.String()}
	if ctx.Err() != nil {
		return res, true
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	default:
		t.Fatalf("start child: %v", err)
	}
	if res.code == 4 {
		t.Fatalf("child could not read its commands: %s", res.stderr)
	}
	return res, false
}

// noIndex checks that nothing was built under the data folder.
func noIndex(t *testing.T, data string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(data, "index")); err == nil {
		t.Errorf("the command built an index under %s although its arguments are invalid", data)
	}
}

// Commands that fail on their arguments, before any loading: safe in process.
func TestRunUsageErrors(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		name       string
		args       []string
		wantUsage  bool   // errors.Is(err, errUsage)
		wantErr    string // in the error message, if not a usage error
		wantStderr string
	}{
		{"no args", nil, true, "", "用法"},
		{"unknown command", []string{"frobnicate"}, true, "", "未知命令"},
		{"unknown flag of search", []string{"search", "--nope", "楼宇经济"}, true, "", "nope"},
		{"unknown flag of index", []string{"index", "--nope"}, true, "", "nope"},
		{"serve with a positional argument", []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "extra"}, false, "位置参数", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			if err == nil {
				t.Fatalf("run(%q) succeeded; stdout: %.200s", tc.args, stdout.String())
			}
			if tc.wantUsage && !errors.Is(err, errUsage) {
				t.Errorf("error %v, want the usage error", err)
			}
			if tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not mention %s", err, tc.wantErr)
			}
			if tc.wantStderr != "" && !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr does not mention %s: %.300s", tc.wantStderr, stderr.String())
			}
			noIndex(t, data)
		})
	}
}

func TestRunHelp(t *testing.T) {
	for _, arg := range []string{"help", "-h", "--help"} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), []string{arg}, &stdout, &stderr); err != nil {
			t.Errorf("run(%s): %v", arg, err)
		}
		for _, cmd := range []string{"kb serve", "kb index", "kb search"} {
			if !strings.Contains(stdout.String(), cmd) {
				t.Errorf("%s: usage does not list %q: %s", arg, cmd, stdout.String())
			}
		}
	}
}

// Bad paging is refused before the index is loaded, with the same limits
// as the HTTP API (size 1–100, page from 1). Each case runs in a child
// process, so a case that wrongly goes on to load cannot break the one
// load this process allows.
func TestRunSearchRejectsBadPaging(t *testing.T) {
	tests := []struct {
		flag, value, want string
	}{
		{"--size", "0", "每页条数"},
		{"--size", "101", "每页条数"},
		{"--size", "-1", "每页条数"},
		{"--page", "0", "页码"},
		{"--page", "-1", "页码"},
	}
	for _, tc := range tests {
		t.Run(tc.flag+"="+tc.value, func(t *testing.T) {
			data := t.TempDir()
			res := child(t, []string{"search", "楼宇经济", "--data", data, tc.flag, tc.value})
			if res.code == 0 {
				t.Errorf("search %s %s succeeded, want an error mentioning %s; it printed: %.200s", tc.flag, tc.value, tc.want, res.stdout)
			} else if !strings.Contains(res.stderr, tc.want) {
				t.Errorf("search %s %s: error does not mention %s: %.300s", tc.flag, tc.value, tc.want, res.stderr)
			}
			noIndex(t, data)
		})
	}
}

// The one in-process load: search with JSON output.
func TestRunSearchJSON(t *testing.T) {
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"search", "楼宇经济", "--data", data, "--json", "--size", "3"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v; stderr: %s", err, stderr.String())
	}
	if !json.Valid(stdout.Bytes()) {
		t.Fatalf("stdout is not one JSON document: %.500s", stdout.String())
	}
	if strings.Contains(stderr.String(), "INFO") {
		t.Errorf("kb search logged at info level: %s", stderr.String())
	}
	var out struct {
		Total int `json:"total"`
		Hits  []struct {
			ID       string   `json:"id"`
			Title    string   `json:"title"`
			Counties []string `json:"counties"`
			Kind     string   `json:"kind"`
			Citation string   `json:"citation"`
			Snippet  string   `json:"snippet"`
			Text     string   `json:"text"`
		} `json:"hits"`
		Facets map[string][]struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		} `json:"facets"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(out.Hits) == 0 || len(out.Hits) > 3 {
		t.Fatalf("%d hits with --size 3", len(out.Hits))
	}
	if out.Total < len(out.Hits) {
		t.Errorf("total %d < %d hits", out.Total, len(out.Hits))
	}
	// 经验一 of the report: 小店区楼宇经济六步走.
	first := out.Hits[0]
	if len(first.Counties) == 0 || first.Counties[0] != "小店区" {
		t.Errorf("first hit counties %v, want 小店区", first.Counties)
	}
	if !strings.Contains(first.Citation, "经验一") {
		t.Errorf("first hit citation %q does not cite 经验一", first.Citation)
	}
	if !strings.Contains(first.Text, "楼宇经济") || !strings.Contains(first.Snippet, "<mark>") {
		t.Errorf("first hit: text %.40q, snippet %.80q", first.Text, first.Snippet)
	}
	// Each passage has one kind: the kind facet counts add up to the total.
	sum := 0
	for _, v := range out.Facets["kind"] {
		sum += v.Count
	}
	if sum != out.Total {
		t.Errorf("kind facet counts sum to %d, total %d", sum, out.Total)
	}
	// The index lives under --data, not in the working directory.
	if _, err := os.Stat(filepath.Join(data, "index", "CURRENT")); err != nil {
		t.Errorf("no index under --data: %v", err)
	}
}

// Text output: numbered hits, 【】 around matches, a source line each.
func TestRunSearchText(t *testing.T) {
	data := t.TempDir()
	res := child(t, []string{"search", "--county", "小店区", "楼宇经济", "--data", data, "--size", "2"})
	if res.code != 0 {
		t.Fatalf("exit %d; stderr: %s", res.code, res.stderr)
	}
	out := res.stdout
	m := regexp.MustCompile(`共 (\d+) 条结果`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no result count in output: %.300s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n < 2 {
		t.Errorf("%d results; 经验一 alone has seven passages about 楼宇经济 in 小店区", n)
	}
	hits := regexp.MustCompile(`(?m)^(\d+)\. .*\[([^｜\]]*)｜`).FindAllStringSubmatch(out, -1)
	if len(hits) != 2 {
		t.Fatalf("%d numbered hits with --size 2: %s", len(hits), out)
	}
	for i, h := range hits {
		if h[1] != strconv.Itoa(i+1) {
			t.Errorf("hit %d numbered %s", i+1, h[1])
		}
		if !strings.Contains(h[2], "小店区") {
			t.Errorf("hit %d counties %q, filtered by 小店区", i+1, h[2])
		}
	}
	if strings.Count(out, "出处：") != 2 {
		t.Errorf("want one 出处 line per hit: %s", out)
	}
	if !strings.Contains(out, "【") || strings.Contains(out, "<mark>") {
		t.Errorf("matches should show as 【】, not HTML: %s", out)
	}
}

// run is main without the process around it, so two commands in one
// process (as a test, or a long-lived caller, runs them) must both work:
// here `kb index` and then `kb search` over the same folder.
// The dictionaries are loaded once per process (loadParts): loading them
// per command would register a second segmenter with bleve, which fails.
func TestRunTwiceInOneProcess(t *testing.T) {
	data := t.TempDir()
	res := child(t,
		[]string{"index", "--data", data},
		[]string{"search", "楼宇经济", "--data", data, "--json", "--size", "1"},
	)
	if res.code != 0 {
		t.Fatalf("second command in the same process failed (exit %d): %s", res.code, errorLines(res.stderr))
	}
	if !strings.Contains(res.stdout, "索引就绪") {
		t.Errorf("index printed no summary: %.200s", res.stdout)
	}
	i := strings.Index(res.stdout, "{")
	if i < 0 || !json.Valid([]byte(res.stdout[i:])) {
		t.Errorf("search printed no JSON after the index summary: %.300s", res.stdout)
	}
}

// errorLines returns the lines runChild printed for a failed command.
func errorLines(stderr string) string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "RUN ") && strings.Contains(l, " ERROR: ") {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return stderr
	}
	return strings.Join(out, "\n")
}

// `kb serve` and `kb search` default to the same ./data folder (see the
// README), so a search while the server runs must answer (or fail with an
// error) promptly, not wait for the server to stop: the index is opened
// with a lock timeout and says which process holds it.
func TestRunSearchWhileServing(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	serve := childCmd(t, ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data})
	stderr, err := serve.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatalf("start serve: %v", err)
	}
	defer func() {
		// Stop the server we started, gently first.
		_ = serve.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = serve.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = serve.Process.Kill()
			<-done
		}
	}()
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), `msg="knowledge base ready"`) {
				ready <- true
				break
			}
		}
		ready <- false
		_, _ = io.Copy(io.Discard, stderr)
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("serve exited before its index was ready")
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not get its index ready in a minute")
	}

	// Loading takes about two seconds; give the search ample time.
	const limit = 20 * time.Second
	res, timedOut := childWithin(t, limit, []string{"search", "楼宇经济", "--data", data, "--json", "--size", "1"})
	if timedOut {
		t.Fatalf("search over the data folder of a running server did not finish in %v (it waits for the index lock)", limit)
	}
	if res.code != 0 && strings.TrimSpace(errorLines(res.stderr)) == "" {
		t.Errorf("search failed (exit %d) without an error message", res.code)
	}
}

// kb ingest takes files and folders (flags before or after them), skips
// duplicates, names the files it cannot read; kb link writes footnotes.
func TestRunIngestAndLink(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	news := "平遥县推进古城文旅融合，设立文旅融合发展基金，扶持民宿集群发展。"
	if err := os.WriteFile(filepath.Join(src, "news.txt"), []byte(news), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "empty.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"ingest", src, "--data", data}, &stdout, &stderr)
	if err == nil || !strings.Contains(stdout.String(), "收录 1 个") || !strings.Contains(stdout.String(), "empty.md") {
		t.Fatalf("ingest: %v\n%s", err, stdout.String())
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"ingest", "--data", data, filepath.Join(src, "news.txt")}, &stdout, &stderr); err != nil {
		t.Fatalf("second ingest: %v", err)
	}
	if !strings.Contains(stdout.String(), "重复跳过 1 个") {
		t.Errorf("duplicate not recognised: %s", stdout.String())
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"search", "民宿集群", "--data", data, "--json", "--size", "1"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "平遥县") {
		t.Errorf("ingested document not searchable: %.300s", stdout.String())
	}
	draft := filepath.Join(src, "draft.txt")
	os.WriteFile(draft, []byte("长治高新区推出知识产权质押贷款，帮助科技型企业解决缺少抵押物的融资难题。\n\n今年冬季气温偏低，请注意保暖。\n"), 0o644)
	stdout.Reset()
	if err := run(context.Background(), []string{"link", draft, "--data", data, "--format", "md"}, &stdout, &stderr); err != nil {
		t.Fatalf("link: %v; %s", err, stderr.String())
	}
	if out := stdout.String(); !strings.Contains(out, "[^1]") || !strings.Contains(out, "经验十一（长治高新区）") || strings.Contains(out, "保暖。[^") {
		t.Errorf("linked draft:\n%s", out)
	}
	if err := run(context.Background(), []string{"link", draft, "--format", "docx"}, &stdout, &stderr); err == nil {
		t.Error("docx to the terminal accepted")
	}
	// --out x.docx writes Word without --format (a zip, not Markdown).
	docx := filepath.Join(src, "草稿-关联.docx")
	if err := run(context.Background(), []string{"link", draft, "--data", data, "--out", docx}, &stdout, &stderr); err != nil {
		t.Fatalf("link --out .docx: %v; %s", err, stderr.String())
	}
	if raw, err := os.ReadFile(docx); err != nil || !bytes.HasPrefix(raw, []byte("PK")) {
		t.Errorf("--out .docx wrote %.20q (err %v), want a Word (zip) file", raw, err)
	}
}

// --explain breaks each hit's score into named pieces; without a query it
// is a usage error.
func TestRunSearchExplain(t *testing.T) {
	data := t.TempDir()
	res := child(t, []string{"search", "写字楼", "--explain", "--size", "2", "--data", data})
	if res.code != 0 {
		t.Fatalf("exit %d; stderr: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stdout, "得分") || !strings.Contains(res.stdout, "概念") || !strings.Contains(res.stdout, "写字楼") {
		t.Errorf("explanation lacks the scores or the concept that matched:\n%s", res.stdout)
	}
	if strings.Contains(res.stdout, "\"children\"") {
		t.Error("raw bleve explanation tree printed")
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"search", "--explain", "--data", data}, &stdout, &stderr)
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "--explain 需要查询词") {
		t.Errorf("--explain without a query: %v", err)
	}
}

// Vocabulary files in the data folder replace the embedded ones at the
// next start and trigger a rebuild; a malformed one names file and line.
func TestRunVocabularyFolder(t *testing.T) {
	data := t.TempDir()
	fingerprint := func(out string) string {
		m := regexp.MustCompile(`指纹 (\w+)`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no fingerprint in %q", out)
		}
		return m[1]
	}
	first := child(t, []string{"index", "--data", data})
	if first.code != 0 {
		t.Fatalf("exit %d: %s", first.code, first.stderr)
	}
	vocab := filepath.Join(data, "vocab")
	if err := os.MkdirAll(vocab, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(vocab, "domain.dict"), []byte("# 测试\n砂器文创园区 20\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	second := child(t, []string{"index", "--data", data})
	if second.code != 0 {
		t.Fatalf("exit %d: %s", second.code, second.stderr)
	}
	if fingerprint(first.stdout) == fingerprint(second.stdout) {
		t.Error("a new domain dictionary did not change the index fingerprint (no rebuild)")
	}
	bad := "[楼宇经济]\n主题: 不存在的主题\n"
	if err := os.WriteFile(filepath.Join(vocab, "concepts.txt"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	third := child(t, []string{"index", "--data", data})
	if third.code == 0 || !strings.Contains(third.stderr, "concepts.txt:1") || !strings.Contains(third.stderr, "词表文件有误") {
		t.Errorf("malformed concepts.txt: exit %d, stderr %q", third.code, third.stderr)
	}
}
