package ingest

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// sniffLen is how much of a file is looked at to tell text from binary.
const sniffLen = 8 << 10

// DecodeText returns the text of raw and the name of the encoding it was
// in: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
// mark, or GB18030 (a superset of GBK and GB2312, what Chinese Windows
// saves "ANSI" text as) when the bytes are not UTF-8 but are valid GB18030.
// Binary data (NUL bytes in the first 8 KB, or many control characters)
// is refused with ErrNotText.
func DecodeText(raw []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		return checkText(string(raw[3:]), "utf-8", utf8.Valid(raw[3:]))
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		return decodeUTF16(raw, xunicode.LittleEndian, "utf-16le")
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		return decodeUTF16(raw, xunicode.BigEndian, "utf-16be")
	}
	if bytes.IndexByte(raw[:min(len(raw), sniffLen)], 0) >= 0 {
		return "", "", ErrNotText
	}
	if utf8.Valid(raw) {
		return checkText(string(raw), "utf-8", true)
	}
	s, err := decodeStrict(simplifiedchinese.GB18030, raw)
	if err != nil {
		return "", "", fmt.Errorf("%w：既不是 UTF-8 也不是 GBK/GB18030 编码", ErrNotText)
	}
	return checkText(s, "gb18030", true)
}

func decodeUTF16(raw []byte, order xunicode.Endianness, name string) (string, string, error) {
	if len(raw)%2 != 0 {
		return "", "", fmt.Errorf("%w：%s 文本的字节数为奇数", ErrNotText, name)
	}
	s, err := decodeStrict(xunicode.UTF16(order, xunicode.ExpectBOM), raw)
	if err != nil {
		return "", "", fmt.Errorf("%w：%s 编码有误", ErrNotText, name)
	}
	return checkText(s, name, true)
}

// decodeStrict decodes raw and fails when any byte sequence was invalid:
// x/text decoders replace bad input with U+FFFD instead of failing, and a
// text that is really in another encoding would come out as mojibake.
func decodeStrict(enc encoding.Encoding, raw []byte) (string, error) {
	out, err := enc.NewDecoder().Bytes(raw)
	if err != nil {
		return "", err
	}
	if bytes.ContainsRune(out, utf8.RuneError) {
		return "", fmt.Errorf("invalid byte sequence")
	}
	return string(out), nil
}

// checkText refuses decoded bytes that are not text: invalid sequences, or
// more than a few control characters (a binary file that happens to decode).
func checkText(s, name string, valid bool) (string, string, error) {
	if !valid {
		return "", "", fmt.Errorf("%w：%s 编码有误", ErrNotText, name)
	}
	s = strings.TrimPrefix(s, "\ufeff")
	controls, total := 0, 0
	for _, r := range s {
		total++
		if r == 0 || (unicode.IsControl(r) && !strings.ContainsRune("\t\n\r\f\v", r)) {
			controls++
		}
	}
	if controls > 0 && controls*20 > total {
		return "", "", ErrNotText
	}
	return s, name, nil
}
