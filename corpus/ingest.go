package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// MaxFileSize is the largest file ParseFile reads.
const MaxFileSize = 50 << 20

// Formats ParseFile reads, as Document.Format names them.
const (
	FormatText     = "txt"
	FormatMarkdown = "md"
	FormatHTML     = "html"
	FormatDocx     = "docx"
	FormatPDF      = "pdf"
)

// parsed is what a format reader hands the structure reader.
type parsed struct {
	blocks []Block
	meta   Meta   // what the file's own metadata states (html meta tags, markdown front matter)
	title  string // a weaker title (a PDF's Title field), used when the text gives none
}

var errOLE = &fileError{msg: "文件已加密，无法读取：旧版 .doc 或已加密的文件，请另存为 .docx", err: ErrEncrypted}

// ParseFile reads a document a user brings, in any of the formats above,
// chosen by the file's extension and checked against its content (a PDF
// or Word file under the wrong name is still read as what it is). Fields
// of meta that are set win over what the file says. The passages are
// untagged: run Tagger.Tag on the result. Every error names the file and
// wraps one of the Err… sentinels.
func ParseFile(name string, raw []byte, meta Meta) (*Document, error) {
	switch {
	case len(raw) == 0:
		return nil, fmt.Errorf("%s: %w", name, ErrEmpty)
	case len(raw) > MaxFileSize:
		return nil, fmt.Errorf("%s: %w（%d MiB，上限 %d MiB）", name, ErrTooLarge, len(raw)>>20, MaxFileSize>>20)
	}
	format, err := detectFormat(name, raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p, err := readFormat(format, raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	doc, err := buildDocument(name, raw, mergeMeta(meta, p.meta), p.blocks, p.title)
	if err != nil {
		if errors.Is(err, ErrNoText) {
			return nil, fmt.Errorf("%s: %w", name, ErrNoText)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	doc.Format = format
	return doc, nil
}

func readFormat(format string, raw []byte) (parsed, error) {
	switch format {
	case FormatPDF:
		blocks, title, err := pdfBlocks(raw)
		if isJunkTitle(title) {
			title = ""
		}
		return parsed{blocks: blocks, title: title}, err
	case FormatDocx:
		blocks, err := docxBlocks(raw)
		return parsed{blocks: blocks}, err
	case FormatHTML:
		return htmlBlocks(raw)
	}
	text, _, err := DecodeText(raw)
	if err != nil {
		return parsed{}, err
	}
	if format == FormatMarkdown {
		blocks, meta := markdownBlocks(text)
		return parsed{blocks: blocks, meta: meta}, nil
	}
	return parsed{blocks: textBlocks(text)}, nil
}

// mergeMeta keeps what the caller said and fills the rest from the file.
func mergeMeta(given, file Meta) Meta {
	if given.Title == "" {
		given.Title = file.Title
	}
	if given.Issuer == "" {
		given.Issuer = file.Issuer
	}
	if given.Date == "" {
		given.Date = file.Date
	}
	if given.Year == 0 {
		given.Year = file.Year
	}
	return given
}

var reJunkTitle = regexp.MustCompile(`(?i)^(microsoft\s+(word|powerpoint)\s*-|untitled|无标题|文档\d*$|document\d*$)|\.(docx?|wps|pdf|txt|html?)$`)

// isJunkTitle is a PDF Title field that names the file or the program,
// not the document.
func isJunkTitle(t string) bool {
	return t == "" || reJunkTitle.MatchString(strings.TrimSpace(t)) || hanCount(t) == 0
}

// Magic numbers of the containers and of files that are no documents.
var (
	magicOLE  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicZip  = []byte("PK\x03\x04")
	magicNone = []struct {
		magic []byte
		what  string
	}{
		{[]byte("\x89PNG"), "图片"}, {[]byte{0xFF, 0xD8, 0xFF}, "图片"}, {[]byte("GIF8"), "图片"},
		{[]byte("II*\x00"), "图片"}, {[]byte("MM\x00*"), "图片"}, {[]byte("Rar!"), "压缩包"},
		{[]byte("7z\xBC\xAF"), "压缩包"}, {[]byte{0x1F, 0x8B}, "压缩包"}, {[]byte("{\\rtf"), "RTF 文档"},
	}
)

// detectFormat decides how to read a file from its extension and its
// first bytes: containers (PDF, zip, OLE) are known by their content
// whatever the name says; text formats by the extension, with HTML
// recognised in a file named .txt or without an extension.
func detectFormat(name string, raw []byte) (string, error) {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, "\\", "/")))
	head := raw[:min(len(raw), 1024)]
	switch {
	case bytes.HasPrefix(raw, magicOLE):
		return "", errOLE
	case bytes.HasPrefix(raw, []byte("%PDF-")) || (ext == ".pdf" && bytes.Contains(head, []byte("%PDF-"))):
		return FormatPDF, nil
	case bytes.HasPrefix(raw, magicZip):
		return FormatDocx, nil
	}
	for _, m := range magicNone {
		if bytes.HasPrefix(raw, m.magic) {
			return "", fmt.Errorf("%w：这是%s，不是文字文档", ErrUnsupported, m.what)
		}
	}
	switch ext {
	case ".pdf":
		return "", fmt.Errorf("%w：扩展名是 .pdf，但内容不是 PDF", ErrCorrupt)
	case ".docx":
		return "", fmt.Errorf("%w：扩展名是 .docx，但内容不是 Word 文档（.docx 应是 zip 压缩包）", ErrCorrupt)
	case ".html", ".htm", ".xhtml", ".shtml":
		return FormatHTML, nil
	case ".md", ".markdown":
		return FormatMarkdown, nil
	case ".txt", ".text", "", ".doc", ".wps":
		if looksLikeHTML(head) { // includes Word's "web page" files saved as .doc
			return FormatHTML, nil
		}
		if ext == ".doc" || ext == ".wps" {
			return "", errOLE
		}
		return FormatText, nil
	}
	return "", fmt.Errorf("%w：%s（支持 .txt .md .html .docx .pdf）", ErrUnsupported, ext)
}

var reHTMLStart = regexp.MustCompile(`(?is)^(?:\xEF\xBB\xBF)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>]`)

func looksLikeHTML(head []byte) bool { return reHTMLStart.Match(head) }
