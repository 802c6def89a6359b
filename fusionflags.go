package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/shanxi-sme/kb/index"
)

// fusionSettings are the flags that weigh and floor the vectors in hybrid
// search, shared by serve and embed-check.
type fusionSettings struct {
	index.Fusion
	envErr error
}

// fusionFlags registers --semantic-ratio, --semantic-min-sim and
// --semantic-rel-floor on fs, defaulting to KB_SEMANTIC_RATIO,
// KB_SEMANTIC_MIN_SIM, KB_SEMANTIC_REL_FLOOR or the built-in defaults.
func fusionFlags(fs *flag.FlagSet) *fusionSettings {
	s := &fusionSettings{Fusion: index.DefaultFusion()}
	env := func(name string, def float64) float64 {
		v := strings.TrimSpace(os.Getenv(name))
		if v == "" {
			return def
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil && s.envErr == nil {
			s.envErr = fmt.Errorf("环境变量 %s=%q 不是数字", name, v)
			return def
		}
		return f
	}
	fs.Float64Var(&s.Ratio, "semantic-ratio", env("KB_SEMANTIC_RATIO", s.Ratio),
		"向量在混合检索中的权重 0–1（KB_SEMANTIC_RATIO）；0 只用关键词")
	fs.Float64Var(&s.MinSimilarity, "semantic-min-sim", env("KB_SEMANTIC_MIN_SIM", s.MinSimilarity),
		"向量候选的最低余弦相似度（KB_SEMANTIC_MIN_SIM），随模型而定，可用 kb embed-check 查看")
	fs.Float64Var(&s.RelativeFloor, "semantic-rel-floor", env("KB_SEMANTIC_REL_FLOOR", s.RelativeFloor),
		"向量候选相似度不低于本次查询最高相似度的比例 0–1（KB_SEMANTIC_REL_FLOOR）")
	return s
}

// err reports an unparsable environment value or a setting out of range.
func (s *fusionSettings) err() error {
	if s.envErr != nil {
		return s.envErr
	}
	return s.Fusion.Validate()
}
