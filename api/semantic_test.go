package api_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestSemanticRatioParam(t *testing.T) {
	for _, v := range []string{"1.5", "-0.1", "abc", "NaN", ""} {
		msg := wantError(t, ts.URL, http.MethodGet, "/api/search?q=%E6%A5%BC%E5%AE%87&semantic_ratio="+v, http.StatusBadRequest)
		if !strings.Contains(msg, "semantic_ratio") || !strings.Contains(msg, "0 到 1") {
			t.Errorf("semantic_ratio=%s: message %q", v, msg)
		}
	}
	// Without vectors the ratio changes nothing, but it is accepted.
	var r searchResp
	getJSON(t, "/api/search?q=%E6%A5%BC%E5%AE%87&semantic_ratio=0.5", http.StatusOK, &r)
	if len(r.Hits) == 0 {
		t.Error("no hits with semantic_ratio=0.5")
	}
}
