package corpus

import "strings"

var hanDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// HanNumber parses a Chinese numeral below 100 (一, 十一, 二十三), as
// headings and measures (一是…) number themselves.
// It returns 0 when s is not such a numeral.
func HanNumber(s string) int {
	if s == "" {
		return 0
	}
	if i := strings.IndexRune(s, '十'); i >= 0 {
		tens, ones := 1, 0
		if head := s[:i]; head != "" {
			d, ok := singleDigit(head)
			if !ok {
				return 0
			}
			tens = d
		}
		if tail := s[i+len("十"):]; tail != "" {
			d, ok := singleDigit(tail)
			if !ok {
				return 0
			}
			ones = d
		}
		return tens*10 + ones
	}
	d, ok := singleDigit(s)
	if !ok {
		return 0
	}
	return d
}

func singleDigit(s string) (int, bool) {
	r := []rune(s)
	if len(r) != 1 {
		return 0, false
	}
	return HanDigit(r[0])
}

// HanDigit returns the value of one Chinese digit (零 〇 一 … 九, 两).
func HanDigit(r rune) (int, bool) {
	d, ok := hanDigits[r]
	return d, ok
}

// HanNumeral writes n (1–99) as a Chinese numeral, as case headings do (经验十一).
func HanNumeral(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n >= 100:
		return ""
	case n < 10:
		return digits[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digits[n%10]
	case n%10 == 0:
		return digits[n/10] + "十"
	default:
		return digits[n/10] + "十" + digits[n%10]
	}
}
