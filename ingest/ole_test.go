package ingest

import (
	"errors"
	"testing"
)

// oleFile builds the start of an OLE2 compound file: the header and one
// 512-byte directory sector holding the root entry and the named streams,
// which is all oleStreams looks at.
func oleFile(streams ...string) []byte {
	raw := make([]byte, 512+512*((len(streams)+1+3)/4))
	copy(raw, magicOLE)
	for i, name := range append([]string{"Root Entry"}, streams...) {
		entry := raw[512+128*i:]
		u := utf16le(name)
		copy(entry, u)
		entry[64] = byte(len(u) + 2)
	}
	return raw
}

// An ordinary .doc is never reported as encrypted, and an encrypted .docx
// never as an old Word file.
func TestOLETellsLegacyFromEncrypted(t *testing.T) {
	doc := oleFile("WordDocument", "1Table", "\x05SummaryInformation")
	_, err := ParseFile("通知.doc", doc, Meta{})
	if !errors.Is(err, ErrLegacyWord) || errors.Is(err, ErrEncrypted) || !errors.Is(err, ErrUnsupported) {
		t.Errorf(".doc: %v", err)
	}
	if want := "通知.doc: 旧版 Word 97-2003 文档（.doc/.wps），请在 Word 或 WPS 中另存为 .docx 后再上传"; err == nil || err.Error() != want {
		t.Errorf(".doc message %q, want %q", err, want)
	}
	// The same bytes named .docx are still an old Word file.
	if _, err := ParseFile("通知.docx", doc, Meta{}); !errors.Is(err, ErrLegacyWord) {
		t.Errorf(".doc named .docx: %v", err)
	}
	enc := oleFile("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage")
	for _, name := range []string{"加密.docx", "加密.doc"} {
		if _, err := ParseFile(name, enc, Meta{}); !errors.Is(err, ErrEncrypted) || errors.Is(err, ErrLegacyWord) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A stream name in the text of a data sector, off the directory grid, is not taken.
	text := oleFile("WordDocument")
	text = append(text, make([]byte, 1024)...)
	copy(text[len(text)-600:], utf16le("EncryptionInfo"))
	if _, err := ParseFile("正文提到.doc", text, Meta{}); !errors.Is(err, ErrLegacyWord) {
		t.Errorf("name in text: %v", err)
	}
}
