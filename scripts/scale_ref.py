#!/usr/bin/python3
"""Reference side of the scale benchmark (scripts/scale_bench.sh).

SQLite FTS5 over jieba search-mode tokens (unicode61 tokenizer on the
space-joined tokens), on the JSONL that `kb synth` writes. A search is the
bm25 top 10 plus exact county and kind counts over all matches, as the
project's /api/search returns them.

Subcommands:
  mix     JSONL -> query mix (one query per line), deterministic by --seed
  index   JSONL -> FTS5 database; prints passages/s of tokenising + inserting
  query   time each query of the mix once, one thread (JSON to stdout)
  load    N worker processes for a bounded time/count; latency percentiles
  http    time each query of the mix once against the project's HTTP API

Run with Debian's /usr/bin/python3 (sqlite3 with FTS5, python3-jieba).
"""
import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import sqlite3
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def load_filler():
    out = set()
    with open(os.path.join(REPO, "index", "data", "filler.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                out.add(line)
    return out


WORD = re.compile(r"\w", re.UNICODE)


def tokens(jieba, text, filler=None):
    out = []
    for t in jieba.cut_for_search(text):
        t = t.strip().lower()
        if not t or not WORD.search(t):
            continue
        if filler and t in filler:
            continue
        out.append(t)
    return out


def quiet_jieba():
    import logging
    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


# ---------------------------------------------------------------- mix

def domain_terms():
    """Domain terms of the concept list and the theme ontology."""
    terms = []
    for name in ("concepts.txt", "themes.txt"):
        with open(os.path.join(REPO, "corpus", "data", name), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("#") or not line:
                    continue
                m = re.match(r"^\[(.+)\]$", line)
                if m:
                    terms.append(m.group(1))
                    continue
                m = re.match(r"^(同义|近义|别名|相关)\s*[:：]\s*(.+)$", line)
                if m:
                    terms += [t.strip() for t in re.split(r"[,，、]", m.group(2)) if t.strip()]
    seen, out = set(), []
    for t in terms:
        if t not in seen and re.fullmatch(r"[\u4e00-\u9fff]{2,}", t):
            seen.add(t)
            out.append(t)
    return out


COMMON = ["企业", "发展", "服务", "政策", "项目", "创新", "产业", "平台", "建设", "工作", "中小企业", "资金"]
VERBS = ["招商", "贷款", "融资", "培育", "引进", "申报", "扶持", "推进", "建设", "服务", "认定", "改造"]
ASKS = ["{t}怎么{v}", "如何{v}{t}", "{t}有哪些做法", "{c}{t}经验", "{g}{t}", "{t}{v}", "{t} {u}", "{g}缺少{h}怎么{v}"]


def cmd_mix(a):
    rnd = random.Random(a.seed)
    present = {}
    terms = domain_terms()
    general = {}
    with open(a.jsonl, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for _, line in zip(range(20000), f)]
    blob = "\n".join(texts)
    for t in terms:
        n = blob.count(t)
        if n:
            present[t] = n
    jieba = quiet_jieba()
    for text in texts[:3000]:
        for w in jieba.cut(text):
            if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", w):
                general[w] = general.get(w, 0) + 1
    dom = sorted(present)
    gen = sorted(w for w, n in general.items() if 3 <= n <= 200)
    counties = ["定襄", "祁县", "清徐县", "平遥县", "介休市", "孝义市", "长治", "大同", "忻州", "晋城"]
    queries = list(COMMON)
    queries += rnd.sample(dom, min(len(dom), a.n // 4))                      # one domain term
    queries += rnd.sample(gen, min(len(gen), a.n // 6))                      # one ordinary word
    while len(queries) < a.n:
        pat = rnd.choice(ASKS)
        q = pat.format(t=rnd.choice(dom), v=rnd.choice(VERBS), c=rnd.choice(counties),
                       g=rnd.choice(gen), u=rnd.choice(dom), h=rnd.choice(gen))
        if q not in queries:
            queries.append(q)
    seen, out = set(), []
    for q in queries:
        if q not in seen:
            seen.add(q)
            out.append(q)
    with open(a.out, "w", encoding="utf-8") as f:
        for q in out:
            f.write(q + "\n")
    print(f"{len(out)} distinct queries -> {a.out}")


# ---------------------------------------------------------------- index

def cmd_index(a):
    jieba = quiet_jieba()
    if os.path.exists(a.db):
        os.remove(a.db)
    db = sqlite3.connect(a.db)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(body, tokenize='unicode61')")
    # One row per passage: its kind and its counties joined by |, so one
    # grouped pass over the matches counts both facets exactly.
    db.execute("CREATE TABLE meta(id INTEGER PRIMARY KEY, pid TEXT, kind TEXT, counties TEXT)")
    t0 = time.time()
    n = 0
    batch_p, batch_m = [], []
    with open(a.jsonl, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            n += 1
            batch_p.append((n, " ".join(tokens(jieba, d["text"]))))
            batch_m.append((n, d["id"], d["kind"], "|".join(d["county"])))
            if len(batch_p) >= 5000:
                db.executemany("INSERT INTO p(rowid, body) VALUES (?, ?)", batch_p)
                db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?)", batch_m)
                batch_p, batch_m = [], []
    db.executemany("INSERT INTO p(rowid, body) VALUES (?, ?)", batch_p)
    db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?)", batch_m)
    db.commit()
    el = time.time() - t0
    db.execute("INSERT INTO p(p) VALUES ('optimize')")
    db.commit()
    db.close()
    print(json.dumps({"passages": n, "seconds": round(el, 2), "passages_per_s": round(n / el)}))


# ---------------------------------------------------------------- search

class Searcher:
    def __init__(self, db):
        self.db = sqlite3.connect(db, check_same_thread=False)
        self.jieba = quiet_jieba()
        self.filler = load_filler()

    def expr(self, q):
        toks = tokens(self.jieba, q, self.filler) or tokens(self.jieba, q)
        seen = []
        for t in toks:
            if t not in seen:
                seen.append(t)
        return " OR ".join('"' + t.replace('"', '""') + '"' for t in seen)

    def search(self, q):
        e = self.expr(q)
        if not e:
            return 0, [], {}, {}
        top = [r[0] for r in self.db.execute(
            "SELECT m.pid FROM p JOIN meta m ON m.id = p.rowid WHERE p MATCH ? ORDER BY bm25(p) LIMIT 10", (e,))]
        counties, kinds, total = {}, {}, 0
        for kind, cs, n in self.db.execute(
                "SELECT m.kind, m.counties, count(*) FROM p JOIN meta m ON m.id = p.rowid WHERE p MATCH ? GROUP BY 1, 2", (e,)):
            total += n
            kinds[kind] = kinds.get(kind, 0) + n
            for c in cs.split("|") if cs else []:
                counties[c] = counties.get(c, 0) + n
        return total, top, counties, kinds


def read_mix(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def cmd_query(a):
    s = Searcher(a.db)
    out = []
    for q in read_mix(a.mix):
        t0 = time.perf_counter()
        total, _, _, _ = s.search(q)
        out.append({"q": q, "ms": (time.perf_counter() - t0) * 1000, "total": total})
    json.dump(out, sys.stdout, ensure_ascii=False)


def _worker(args):
    db, mix, offset, deadline, count = args
    s = Searcher(db)
    lat = []
    i = offset
    while time.time() < deadline and len(lat) < count:
        q = mix[i % len(mix)]
        i += 1
        t0 = time.perf_counter()
        s.search(q)
        lat.append((time.perf_counter() - t0) * 1000)
    return lat


def pct(sorted_lat, p):
    if not sorted_lat:
        return 0
    i = max(0, min(len(sorted_lat) - 1, (p * len(sorted_lat) + 99) // 100 - 1))
    return sorted_lat[i]


def cmd_load(a):
    mix = read_mix(a.mix)
    per = max(1, a.requests // a.clients)
    start = time.time()
    deadline = start + a.seconds
    with multiprocessing.get_context("fork").Pool(a.clients) as pool:
        lats = pool.map(_worker, [(a.db, mix, k * len(mix) // a.clients, deadline, per) for k in range(a.clients)])
    el = time.time() - start
    lat = sorted(x for l in lats for x in l)
    print(json.dumps({"requests": len(lat), "seconds": round(el, 1), "qps": round(len(lat) / el, 1),
                      "p50": round(pct(lat, 50), 1), "p95": round(pct(lat, 95), 1), "p99": round(pct(lat, 99), 1)}))


def cmd_http(a):
    u = urllib.parse.urlparse(a.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    out = []
    for q in read_mix(a.mix):
        path = "/api/search?" + urllib.parse.urlencode({"q": q})
        t0 = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        ms = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            raise SystemExit(f"{q}: HTTP {r.status} {body[:200]!r}")
        d = json.loads(body)
        out.append({"q": q, "ms": ms, "took_ms": d.get("took_ms"), "total": d.get("total")})
    json.dump(out, sys.stdout, ensure_ascii=False)


def _stats(path):
    d = json.load(open(path))
    ms = sorted(x["ms"] for x in d)
    return {"mean": sum(ms) / len(ms), "p50": pct(ms, 50), "p99": pct(ms, 99), "max": ms[-1], "n": len(ms)}, d


def _kb_load(path):
    m = re.search(r"requests (\d+), errors (\d+), ([\d.]+)s, (\d+) req/s, p50 ([\d.]+) ms, p95 ([\d.]+) ms, p99 ([\d.]+) ms",
                  open(path, encoding="utf-8").read())
    if not m:
        return None
    return {"requests": int(m.group(1)), "errors": int(m.group(2)), "qps": float(m.group(4)),
            "p50": float(m.group(5)), "p95": float(m.group(6)), "p99": float(m.group(7))}


def cmd_summary(a):
    r = a.results
    rows = []

    def add(label, kb, fts):
        rows.append((label, kb, fts))

    kbq = [_stats(os.path.join(r, f"kb_query_{i}.json")) for i in (1, 2)]
    have_fts = os.path.exists(os.path.join(r, "fts_query_1.json"))
    ftq = [_stats(os.path.join(r, f"fts_query_{i}.json")) for i in (1, 2)] if have_fts else None
    both = lambda xs, key: " / ".join(f"{x[0][key]:.1f}" for x in xs)
    took = [sum(x["took_ms"] for x in d) / len(d) for _, d in kbq]
    add("单查询均值 ms（两次）", both(kbq, "mean") + f"（引擎 took_ms {took[0]:.1f} / {took[1]:.1f}）", both(ftq, "mean") if ftq else "—")
    add("单查询 p50 ms", both(kbq, "p50"), both(ftq, "p50") if ftq else "—")
    add("单查询 p99 ms", both(kbq, "p99"), both(ftq, "p99") if ftq else "—")
    add("单查询最慢 ms", both(kbq, "max"), both(ftq, "max") if ftq else "—")
    kl = [_kb_load(os.path.join(r, f"kb_load_{i}.txt")) for i in (1, 2)]
    fl = [json.load(open(os.path.join(r, f"fts_load_{i}.json"))) for i in (1, 2)] if have_fts else None
    fmt = lambda xs, k: " / ".join(f"{x[k]:.1f}" if x else "?" for x in xs)
    add("8 并发 p50 ms", fmt(kl, "p50"), fmt(fl, "p50") if fl else "—")
    add("8 并发 p99 ms", fmt(kl, "p99"), fmt(fl, "p99") if fl else "—")
    add("8 并发 次/秒", fmt(kl, "qps"), fmt(fl, "qps") if fl else "—")
    add("8 并发 错误", " / ".join(str(x["errors"]) if x else "?" for x in kl), "—")
    rate = open(os.path.join(r, "kb_index_rate.txt")).read().strip() or "?"
    fi = json.load(open(os.path.join(r, "fts_index.json"))) if have_fts else None
    add("建索引 文段/秒", rate, str(fi["passages_per_s"]) if fi else "—")
    ready = dict(line.split(" ", 1) for line in open(os.path.join(r, "kb_ready.txt")).read().splitlines())
    add("启动到就绪 s（新建 / 复用两次）", ready["ready_build"].strip() + " / " + ready["ready_reuse"].strip().replace(" ", " / "), "—")
    if "ready_stored" in ready:
        s1, s2, held, rss_stored = ready["ready_stored"].split()
        add(f"从存放的文档库重启 s（两次，{held} 文段）", f"{s1} / {s2}", "—")
        ks = _kb_load(os.path.join(r, "kb_load_stored.txt"))
        add("从文档库启动后 8 并发 p99 ms / 次/秒", f"{ks['p99']:.1f} / {ks['qps']:.1f}" if ks else "?", "—")
        add("从文档库启动后压测中最大常驻内存 MB", f"{int(rss_stored) / 1024:.0f}", "—")
    rss = int(open(os.path.join(r, "kb_rss_kb.txt")).read().strip() or 0)
    add("压测中最大常驻内存 MB", f"{rss / 1024:.0f}", "—")
    mix = read_mix(a.mix)
    print(f"文段 {a.passages}，查询组合 {len(mix)} 个不同查询（每个查询单线程各跑一次，共两轮）")
    print("| 指标 | 本项目（HTTP，含 JSON） | FTS5 + jieba（进程内） |")
    print("|---|---|---|")
    for label, kb, fts in rows:
        print(f"| {label} | {kb} | {fts} |")
    if ftq:
        ratio = [k[0]["mean"] / f[0]["mean"] for k, f in zip(kbq, ftq)]
        print(f"\n均值之比（本项目 / FTS5）：{ratio[0]:.2f} / {ratio[1]:.2f}")
    slow = sorted(kbq[1][1], key=lambda x: -x["ms"])[:5]
    print("本项目最慢的查询：" + "；".join(f"{x['q']} {x['ms']:.0f} ms（{x['total']} 条）" for x in slow))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("mix"); p.add_argument("jsonl"); p.add_argument("--out", required=True)
    p.add_argument("--n", type=int, default=300); p.add_argument("--seed", type=int, default=13)
    p = sub.add_parser("index"); p.add_argument("jsonl"); p.add_argument("--db", required=True)
    p = sub.add_parser("query"); p.add_argument("--db", required=True); p.add_argument("--mix", required=True)
    p = sub.add_parser("load"); p.add_argument("--db", required=True); p.add_argument("--mix", required=True)
    p.add_argument("--clients", type=int, default=8); p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--requests", type=int, default=4000)
    p = sub.add_parser("http"); p.add_argument("--url", required=True); p.add_argument("--mix", required=True)
    p = sub.add_parser("summary"); p.add_argument("--results", required=True); p.add_argument("--passages", required=True)
    p.add_argument("--mix", required=True)
    a = ap.parse_args()
    {"summary": cmd_summary, "mix": cmd_mix, "index": cmd_index, "query": cmd_query, "load": cmd_load, "http": cmd_http}[a.cmd](a)


if __name__ == "__main__":
    main()
