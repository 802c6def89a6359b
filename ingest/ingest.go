package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/shanxi-sme/kb/corpus"
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
	FormatODT      = "odt"
)

// parsed is what a format reader hands the structure reader.
type parsed struct {
	blocks []Block
	meta   Meta   // what the file's own metadata states (html meta tags, markdown front matter)
	title  string // a weaker title (a PDF's Title field), used when the text gives none
}

// DefaultTimeout is the time ParseFile and PlainText give one file.
// The largest honest documents (a 50 MB text, a PDF of some hundred
// pages) are read in a few seconds; a file that takes a minute is hostile
// or broken, and a reader must not spend a core on it for longer.
const DefaultTimeout = 60 * time.Second

// ParseFile is ParseFileContext with a deadline of DefaultTimeout.
func ParseFile(name string, raw []byte, meta Meta) (*corpus.Document, error) {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	return ParseFileContext(ctx, name, raw, meta)
}

// ParseFileContext reads a document a user brings, in any of the formats
// above, chosen by the file's extension and checked against its content
// (a PDF or Word file under the wrong name is still read as what it is).
// Fields of meta that are set win over what the file says. The passages
// are untagged: run Tagger.Tag on the result. Every error names the file
// and wraps one of the Err… sentinels. The readers watch ctx (between
// pages and inside long content streams) and stop when it ends, with an
// error wrapping its error (and ErrTimeout for a deadline).
func ParseFileContext(ctx context.Context, name string, raw []byte, meta Meta) (*corpus.Document, error) {
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
	p, err := readFormat(ctx, format, raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := stopped(ctx); err != nil {
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

// readFormat reads the blocks of a file in a known format. Each reader
// bounds what it builds (pages, glyphs, paragraphs, unpacked bytes) and
// watches ctx; the plain text formats are bounded by MaxFileSize.
func readFormat(ctx context.Context, format string, raw []byte) (parsed, error) {
	if err := stopped(ctx); err != nil {
		return parsed{}, err
	}
	switch format {
	case FormatPDF:
		blocks, title, err := pdfBlocks(ctx, raw)
		if isJunkTitle(title) {
			title = ""
		}
		return parsed{blocks: blocks, title: title}, err
	case FormatDocx:
		blocks, err := docxBlocks(ctx, raw)
		return parsed{blocks: blocks}, err
	case FormatODT:
		blocks, err := odtBlocks(ctx, raw)
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
		return "", oleError(ext, raw)
	case bytes.HasPrefix(raw, []byte("%PDF-")) || (ext == ".pdf" && bytes.Contains(head, []byte("%PDF-"))):
		return FormatPDF, nil
	case bytes.HasPrefix(raw, magicZip) && isODT(raw):
		return FormatODT, nil
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
			return "", ErrLegacyWord // not OLE either: an older WPS or a mislabelled file
		}
		return FormatText, nil
	}
	return "", fmt.Errorf("%w：%s（支持 .txt .md .html .docx .odt .pdf）", ErrUnsupported, ext)
}

// oleError says what an OLE2 compound file (magic D0 CF 11 E0) is. Word
// 97-2003 and WPS documents, old Excel and PowerPoint files are such files,
// and so is a .docx/.xlsx with an opening password: Office wraps the
// encrypted package in one. They are told apart by the names of the
// streams in the file's directory, and by the extension when the
// directory says nothing known.
func oleError(ext string, raw []byte) error {
	streams := oleStreams(raw)
	switch {
	case streams["EncryptionInfo"] || streams["EncryptedPackage"]:
		return fmt.Errorf("%w：设置了打开密码，请在 Word 或 WPS 中取消密码并另存为 .docx 后再上传", ErrEncrypted)
	case streams["WordDocument"]:
		return ErrLegacyWord
	case streams["Workbook"] || streams["Book"]:
		return fmt.Errorf("%w：这是旧版 Excel 表格（.xls），请把内容另存为 .docx 或 .txt", ErrUnsupported)
	case streams["PowerPoint Document"]:
		return fmt.Errorf("%w：这是旧版 PowerPoint 演示文稿（.ppt），请另存为 .pdf 或 .docx", ErrUnsupported)
	}
	switch ext {
	case ".doc", ".wps", ".dot", ".wpt":
		return ErrLegacyWord
	case ".docx", ".xlsx", ".pptx":
		return fmt.Errorf("%w：设置了打开密码，请取消密码并另存为 .docx 后再上传", ErrEncrypted)
	}
	return fmt.Errorf("%w：这是 Office 97-2003 格式的文件，请另存为 .docx 后再上传", ErrUnsupported)
}

// oleStreamNames are the directory entries oleError looks for.
var oleStreamNames = []string{"EncryptionInfo", "EncryptedPackage", "WordDocument", "Workbook", "Book", "PowerPoint Document"}

// oleStreams returns which of oleStreamNames an OLE2 file's directory
// holds. Directory entries are 128 bytes long and start on sector
// boundaries after the 512-byte header (sectors are 512 or 4096 bytes), so
// only names at those offsets are looked at, not text that happens to
// spell one; the name is UTF-16LE with its byte length at offset 64.
func oleStreams(raw []byte) map[string]bool {
	want := make(map[string][]byte, len(oleStreamNames))
	for _, n := range oleStreamNames {
		want[n] = utf16le(n)
	}
	found := map[string]bool{}
	for off := 512; off+128 <= len(raw); off += 128 {
		entry := raw[off : off+128]
		nameLen := int(entry[64]) | int(entry[65])<<8 // bytes, with the terminating NUL
		if nameLen < 4 || nameLen > 64 || nameLen%2 != 0 {
			continue
		}
		for n, u := range want {
			if nameLen == len(u)+2 && bytes.Equal(entry[:len(u)], u) {
				found[n] = true
			}
		}
	}
	return found
}

func utf16le(s string) []byte {
	out := make([]byte, 0, 2*len(s))
	for _, r := range s { // ASCII names only
		out = append(out, byte(r), 0)
	}
	return out
}

var reHTMLStart = regexp.MustCompile(`(?is)^(?:\xEF\xBB\xBF)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>]`)

func looksLikeHTML(head []byte) bool { return reHTMLStart.Match(head) }
