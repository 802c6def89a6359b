package api

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// paramError is a bad query parameter, reported as 400 with its code.
type paramError struct{ msg, code string }

func (e *paramError) Error() string { return e.msg }

// Code is the stable error code of the API answer (errors.go).
func (e *paramError) Code() string { return e.code }

// coded is an error that knows its API error code.
type coded interface {
	error
	Code() string
}

// checkParams refuses parameters the endpoint does not know (a misspelt
// filter would otherwise be silently ignored) and invalid UTF-8.
func checkParams(q url.Values, allowed ...string) error {
	for k, vs := range q {
		known := false
		for _, a := range allowed {
			if k == a {
				known = true
				break
			}
		}
		if !known {
			msg := "未知参数 " + strconv.Quote(k) + "，可用参数：" + strings.Join(allowed, "、")
			if len(allowed) == 0 {
				msg = "未知参数 " + strconv.Quote(k) + "：此接口不接受查询参数"
			}
			return &paramError{msg, CodeBadParameter}
		}
		code := CodeBadParameter
		if k == "q" {
			code = CodeBadQuery
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return &paramError{"参数 " + k + " 不是有效的 UTF-8 文本", code}
			}
			if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' || r == 0x7f }) {
				return &paramError{"参数 " + k + " 含有控制字符", code}
			}
		}
	}
	return nil
}

// intParam reads an optional integer parameter; 0 when absent.
func intParam(q url.Values, name string) (int, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, &paramError{"参数 " + name + " 必须是整数", CodeBadParameter}
	}
	return n, nil
}

// ratioParam reads an optional number in [0, 1]; nil when absent.
func ratioParam(q url.Values, name string) (*float64, error) {
	if _, ok := q[name]; !ok {
		return nil, nil
	}
	v := strings.TrimSpace(q.Get(name))
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1 {
		return nil, &paramError{"参数 " + name + " 必须是 0 到 1 之间的数", CodeBadParameter}
	}
	return &f, nil
}

// listParam reads a repeatable parameter; "a,b" counts as two values too.
func listParam(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
