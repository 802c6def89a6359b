package kbase

import (
	"encoding/json"
	"fmt"

	"github.com/bytedance/sonic"

	"github.com/shanxi-sme/kb/corpus"
)

// parsedRecord is the parsed form of a stored original, kept beside it.
type parsedRecord struct {
	Version  int              `json:"version"` // corpus.ParserVersion
	Data     string           `json:"data"`    // the vocabularies tagging used (Parts.dataFingerprint)
	Document *corpus.Document `json:"document"`
}

func (kb *KB) encodeParsed(doc *corpus.Document) ([]byte, error) {
	b, err := json.Marshal(parsedRecord{Version: corpus.ParserVersion, Data: kb.parts.dataFingerprint, Document: doc})
	if err != nil {
		return nil, fmt.Errorf("encode parsed document: %w", err)
	}
	return b, nil
}

// parsedDecoder reads parsed records back. A restart decodes every stored
// document, and encoding/json made that most of it (0.8 s of CPU for 10⁵
// passages, against 0.28 s here; BENCHMARKS.md). The format is the same
// and malformed input is still an error (the record is set aside and its
// original parsed again); where sonic's compiled decoder is not built
// (other architectures, a Go release it does not know yet) it falls back
// to encoding/json. Strings are copied out of the file's bytes, which can
// then be freed: by default sonic points into them.
var parsedDecoder = sonic.Config{CopyString: true}.Froze()

// decodeParsed decodes a stored parsed record.
func decodeParsed(b []byte, pr *parsedRecord) error {
	if err := parsedDecoder.Unmarshal(b, pr); err != nil {
		return fmt.Errorf("decode parsed document: %w", err)
	}
	return nil
}
