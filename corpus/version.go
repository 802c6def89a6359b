package corpus

import (
	"crypto/sha256"
	"encoding/hex"
)

// ParserVersion names the behaviour of ingest.ParseFile and Tagger.
// Stored parse results (the catalog keeps them beside each original so
// that a start does not parse every original again) of another version,
// or made with other tagging data (DataFingerprint), are parsed again from
// the original. Bump it whenever a change to the readers or the structure
// parser (package ingest) or to the tagger may read or tag the same file
// differently.
const ParserVersion = 1

// DataFingerprint identifies the embedded data tagging depends on: the
// gazetteer, the theme ontology and the concept thesaurus.
func DataFingerprint() string {
	h := sha256.New()
	for _, s := range []string{gazetteerTSV, themesTxt, conceptsTxt} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
