// Package corpus is the domain model of the knowledge base (documents,
// sections, cases, passages, indicators), its vocabularies (the county
// gazetteer, the theme ontology, the concept thesaurus) and the tagger
// that marks passages with places and themes. The format readers and the
// structure parser that build documents from files are package ingest;
// corpus imports no other package of the module.
package corpus

// Kind is the role of a passage in its document.
type Kind string

// Passage kinds.
const (
	KindPreface   Kind = "序言"
	KindResults   Kind = "成效"
	KindPractice  Kind = "做法"
	KindCase      Kind = "经验"
	KindOutlook   Kind = "问题展望"
	KindIndicator Kind = "指标"
	KindBody      Kind = "正文" // any other section of a general document
)

// Document is one source document: a report, a policy, a news article.
type Document struct {
	ID         string // stable, derived from the content hash
	Title      string
	Issuer     string // issuing body, e.g. 山西省小企业发展促进局
	Date       string // date of issue as stated, normalised to YYYY-MM or YYYY-MM-DD
	Year       int    // the year the document reports on, when it says so
	Source     string // original file name
	Hash       string // hex SHA-256 of the original bytes
	TextHash   string // hex SHA-256 of the normalised text: equal for the same text saved as .md, .docx, .txt …
	Format     string // the format it was read from: txt, md, html, docx, odt, pdf
	Sections   []*Section
	Cases      []*Case
	Passages   []*Passage
	Indicators []*Indicator
}

// Section is a heading of the document with what lies under it.
type Section struct {
	Title    string
	Level    int // 1 for 一、, 2 for （一） and 经验X
	Sections []*Section
	Passages []string // IDs of the passages directly under this heading
}

// CaseRef names the experience case a passage belongs to.
type CaseRef struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	County string `json:"county"`
}

// Case is one experience case (经验一…): one county's practice with its measures.
type Case struct {
	Number   int
	Title    string
	County   string
	City     string
	Themes   []string
	Passages []string // passage IDs in order: introduction, measures, results
}

// Passage is the unit of search: a paragraph or one measure (一是…) of a case.
type Passage struct {
	ID          string
	DocID       string
	Order       int      // position in the document, from 1
	Kind        Kind     //
	HeadingPath []string // section titles from the top, ending with the measure label if any
	Title       string   // the nearest heading (a case's title for its measures)
	Label       string   // the measure's own short title, e.g. 一是数据摸排细步走
	Case        *CaseRef // nil outside experience cases
	Text        string
	Counties    []string // counties/zones the passage is about (standard names)
	Cities      []string // their prefecture-level cities
	Themes      []string // theme names from the ontology, strongest first
	Policies    []string // policy documents the passage cites, as written between 《》

	// FromTable marks a passage the structure parser rendered from a table:
	// the tagger tags it with the places of its rows. It is not stored or
	// served (json:"-").
	FromTable bool `json:"-"`
}

// Indicator is one per-county indicator table, e.g. 省级专精特新企业数量.
type Indicator struct {
	Name    string // the indicator as the text names it
	Unit    string // 个, 户 or %
	Header  string // the table's own column header, kept for reference
	Caption string // the figure caption the table belongs to, if found
	Rows    []IndicatorValue
}

// IndicatorValue is one county's figure with its rank among the counties
// of the table (1 = highest; equal values share a rank).
type IndicatorValue struct {
	County string
	City   string
	Value  float64
	Rank   int
}

// Total returns the sum of the table's values.
func (in *Indicator) Total() float64 {
	var s float64
	for _, r := range in.Rows {
		s += r.Value
	}
	return s
}
