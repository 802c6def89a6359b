package ingest

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/corpus"
)

// What a document says about itself in its title or signature block: the
// date of issue, the issuing body, the document number, and on pages copied
// from the web the "来源：… 发布时间：…" line.
var (
	reDateArabic     = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?$`)
	reDateHan        = regexp.MustCompile(`^([〇○零Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月(?:\s*([一二三四五六七八九十]{1,3})\s*日)?$`)
	reDocNumber      = regexp.MustCompile(`^\p{Han}{1,15}\s*[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d{1,5}\s*号$`)
	reSourceKey      = regexp.MustCompile(`(?:^|[\s|｜】\]])(?:信息来源|来源|发布机构|发文机关|发布单位)\s*[:：]\s*([^\s|｜：:]{2,30})`)
	reSourceKeyLoose = regexp.MustCompile(`(?:信息来源|来源|发布机构|发文机关|发布单位)\s*[:：]\s*([^\s|｜：:]{2,30})`)
	reSourceDate     = regexp.MustCompile(`(?:^|[\s|｜】\]])(?:发布时间|发布日期|成文日期|日期|时间)\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})`)
)

// issuerSuffixes end the names of the bodies that issue documents.
var issuerSuffixes = []string{"人民政府", "委员会", "办公室", "办公厅", "管委会", "政府", "中心", "局", "厅", "委"}

// parseDateLine reads a line that holds only a date (2023年8月,
// 2023年8月15日, 二〇二三年八月十五日, （２０２３年８月）) as YYYY-MM or YYYY-MM-DD.
func parseDateLine(line string) (string, bool) {
	if !strings.Contains(line, "年") || len(line) > 64 {
		return "", false
	}
	s := strings.TrimSpace(foldDigits(line))
	s = strings.TrimSpace(strings.Trim(s, "（）()【】[] \u3000"))
	if m := reDateArabic.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3]) // 0 when absent
		return formatYMD(y, mo, d)
	}
	if m := reDateHan.FindStringSubmatch(s); m != nil {
		y := 0
		for _, r := range m[1] {
			d, ok := corpus.HanDigit(r)
			if !ok { // 〇 ○ Ｏ all stand for zero in written years
				d = 0
			}
			y = y*10 + d
		}
		d := 0
		if m[3] != "" {
			if d = corpus.HanNumber(m[3]); d == 0 {
				return "", false
			}
		}
		return formatYMD(y, corpus.HanNumber(m[2]), d)
	}
	return "", false
}

// formatYMD writes a date as YYYY-MM or, with a day, YYYY-MM-DD; it refuses
// impossible dates so that "1234年56月" in running text is not taken.
func formatYMD(y, m, d int) (string, bool) {
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 0 || d > 31 {
		return "", false
	}
	out := strconv.Itoa(y) + "-" + pad2(m)
	if d > 0 {
		out += "-" + pad2(d)
	}
	return out, true
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// foldDigits turns full-width digits into ASCII ones.
func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + r - '０'
		}
		return r
	}, s)
}

// issuerOf reads a line that is only the name of an issuing body, as in a
// title block (山西省小企业发展促进局, 太原市人民政府文件) or a signature.
func issuerOf(line string) (string, bool) {
	s := strings.TrimSpace(line)
	if strings.HasSuffix(s, "文件") { // the red header of an official document
		s = strings.TrimSpace(strings.TrimSuffix(s, "文件"))
	}
	if s == "" || utf8.RuneCountInString(s) > 30 || hanCount(s) < 3 || isHeading(s) ||
		strings.ContainsAny(s, "。，；：:,;！？!?《》“”\"0123456789") {
		return "", false
	}
	if !strings.ContainsAny(s, "省市县区州盟旗镇乡") && !hasAnyPrefix(s, "中共", "国家", "国务院", "中国", "全国") {
		return "", false // a body is named after its place: 打开新局 is no issuer
	}
	for _, suf := range issuerSuffixes {
		if strings.HasSuffix(s, suf) {
			return strings.Join(strings.Fields(s), " "), true
		}
	}
	return "", false
}

var reYearStart = regexp.MustCompile(`(?:\d{4}|[〇○零Ｏ一二三四五六七八九]{4})\s*年`)

// issuerDateLine reads a title-block line that names the issuing body and
// the date together: "阳曲县工业和信息化局 2024年3月",
// "阳曲县人民政府办公室2024年3月15日", "2024年3月 阳曲县工信局".
func issuerDateLine(line string) (issuer, date string, ok bool) {
	s := strings.TrimSpace(foldDigits(line))
	if utf8.RuneCountInString(s) > 50 {
		return "", "", false
	}
	for _, loc := range reYearStart.FindAllStringIndex(s, 2) {
		if loc[0] == 0 { // date first: find where it ends
			for end := len(s); end > loc[1]; {
				if d, ok := parseDateLine(s[:end]); ok {
					if is, ok := issuerOf(strings.TrimLeft(s[end:], " \u3000,，")); ok {
						return is, d, true
					}
					break
				}
				_, size := utf8.DecodeLastRuneInString(s[:end])
				end -= size
			}
			continue
		}
		d, ok := parseDateLine(s[loc[0]:])
		if !ok {
			continue
		}
		if is, ok := issuerOf(strings.TrimRight(s[:loc[0]], " \u3000,，")); ok {
			return is, d, true
		}
	}
	return "", "", false
}

// sourceLine reads the "来源：平遥县工信局 发布时间：2023-08-15 浏览次数：…"
// line of a web page (it also survives in PDFs printed from one). ok is
// false for any other line.
func sourceLine(line string) (issuer, date string, ok bool) {
	if !strings.ContainsAny(line, ":：") || utf8.RuneCountInString(line) > 120 {
		return "", "", false
	}
	s := foldDigits(line)
	keys := reSourceKey
	if m := reSourceDate.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		date, _ = formatYMD(y, mo, d)
		ok = true
		keys = reSourceKeyLoose // on a dated line the fields may run together
	}
	if m := keys.FindStringSubmatch(s); m != nil {
		issuer, ok = m[1], true
		for _, label := range sourceLabels {
			if i := strings.Index(issuer, label); i > 0 {
				issuer = issuer[:i]
			}
		}
	}
	return issuer, date, ok
}

// sourceLabels are the fields that follow the source on a web page's
// information line, cut off when no space separates them.
var sourceLabels = []string{"浏览", "点击", "访问", "阅读", "作者", "字体", "字号", "责任编辑", "发布", "时间", "日期", "【"}

var reLooseDate = regexp.MustCompile(`(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?`)

// parseLooseDate finds a date written with digits anywhere in s
// (2023-08-15 10:30:00, 2023/8/15, 2023年8月) as YYYY-MM or YYYY-MM-DD.
func parseLooseDate(s string) (string, bool) {
	m := reLooseDate.FindStringSubmatch(foldDigits(s))
	if m == nil {
		return parseDateLine(s)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	return formatYMD(y, mo, d)
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
