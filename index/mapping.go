// Package index is the search index of the knowledge base: a bleve index on
// disk with an explicit mapping for passages, faceted and filtered search
// with highlighting, and the fingerprint that tells when to rebuild.
package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/shanxi-sme/kb/segment"
)

// Field names in the index.
const (
	FieldText      = "text"  // passage text, segmented
	FieldTitle     = "title" // case or section title
	FieldCounty    = "county"
	FieldCity      = "city"
	FieldTheme     = "theme"
	FieldCaseTheme = "case_theme" // themes of the whole case a passage belongs to
	FieldKind      = "kind"
	FieldPolicy    = "policy" // policy documents cited as 《…》
	FieldDoc       = "doc"
	FieldOrder     = "order"
)

// Facets are the keyword fields a search can be filtered and faceted by,
// in the order the API lists them.
var Facets = []string{FieldCounty, FieldCity, FieldTheme, FieldKind, FieldPolicy}

const passageType = "passage"

// mappingVersion changes whenever NewMapping changes in a way the stored
// mapping JSON would not show (e.g. a change of what goes into a field).
const mappingVersion = 11

// NewMapping returns the explicit index mapping for passages. Text is
// indexed with the segmenter's analyzer (sub-words stacked) and searched
// with its coarse analyzer; facets are keyword fields with doc values.
func NewMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.ScoringModel = "bm25"
	im.DefaultAnalyzer = segment.IndexAnalyzer
	im.DefaultType = passageType
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false

	text := func(name string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = segment.IndexAnalyzer
		f.Store = false // snippets are cut from the library's copy of the text
		// No term positions: phrases are checked in the library's text
		// (phrasematch.go) and a page's hits are located in their text
		// (locate.go). Positions were half of the index.
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false // nothing sorts or facets on text
		return f
	}
	// Keyword fields: no term vectors (no phrase or snippet reads their
	// positions); doc values only where a search sorts or counts facets.
	keywordField := func(docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	// No character-bigram field: it doubled the cost of building the index
	// (BENCHMARKS.md, 规模，第三轮) for recall that the stacked sub-words
	// already give; an unknown word of a query is matched by its pieces.
	dm.AddFieldMappingsAt(FieldText, text(FieldText))
	dm.AddFieldMappingsAt(FieldTitle, text(FieldTitle))
	for _, f := range []string{FieldCounty, FieldCity, FieldTheme, FieldKind, FieldPolicy, FieldDoc} {
		dm.AddFieldMappingsAt(f, keywordField(true)) // Facets, and FieldDoc to sort by
	}
	dm.AddFieldMappingsAt(FieldCaseTheme, keywordField(false)) // only lifts scores
	// The passage's place in its document, as a keyword that sorts as
	// the number (orderKey): it is only sorted on. A numeric field
	// indexed sixteen terms per value for range queries nothing asks
	// for, each into the postings and the doc values: a tenth of the
	// terms of a passage.
	dm.AddFieldMappingsAt(FieldOrder, keywordField(true))
	// No field goes into _all; without this bleve still builds the empty
	// composite field for every passage.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	im.AddDocumentMapping(passageType, dm)
	im.DefaultMapping = dm
	return im
}
