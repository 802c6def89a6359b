package ingest

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// sampleText is a short county report in plain text.
const sampleText = `平遥县2023年中小企业发展情况

平遥县工业和信息化局
2024年1月

一、主要成效
全县新增市场主体一千二百余户，净增规上工业企业十五户。
二、主要做法
一是出台扶持政策，给予财政奖补。
二是落实减税降费，惠及企业九百余户。
`

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	out, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDecodeText(t *testing.T) {
	for _, tc := range []struct {
		name, enc string
		raw       []byte
	}{
		{"utf-8", "utf-8", []byte(sampleText)},
		{"utf-8 bom", "utf-8", append([]byte{0xEF, 0xBB, 0xBF}, sampleText...)},
		{"gbk", "gb18030", encode(t, simplifiedchinese.GBK, sampleText)},
		{"gb18030", "gb18030", encode(t, simplifiedchinese.GB18030, sampleText+"𠀀")},
		{"utf-16le", "utf-16le", encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), sampleText)},
		{"utf-16be", "utf-16be", encode(t, xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM), sampleText)},
	} {
		text, enc, err := DecodeText(tc.raw)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		want := sampleText
		if tc.name == "gb18030" {
			want += "𠀀"
		}
		if enc != tc.enc || text != want {
			t.Errorf("%s: decoded as %s to %q", tc.name, enc, text[:min(len(text), 30)])
		}
	}
}

func TestDecodeTextRefusesBinary(t *testing.T) {
	for name, raw := range map[string][]byte{
		"nul bytes":       []byte("PK\x03\x04\x00\x00binary"),
		"not gbk either":  {0xFF, 0xFF, 0x81, 0x20},
		"control chars":   []byte("\x01\x02\x03\x04\x05\x06\x07\x08ab"),
		"odd utf-16":      {0xFF, 0xFE, 0x41},
		"lone surrogates": {0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00},
	} {
		if _, _, err := DecodeText(raw); !errors.Is(err, ErrNotText) {
			t.Errorf("%s: error %v, want ErrNotText", name, err)
		}
	}
}

// The same document in GBK, UTF-16 and UTF-8 gives the same passages.
func TestEncodingsParseAlike(t *testing.T) {
	want, err := ParseText("utf8.txt", []byte(sampleText), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if want.Title != "平遥县2023年中小企业发展情况" || want.Issuer != "平遥县工业和信息化局" || want.Date != "2024-01" {
		t.Errorf("title/issuer/date = %q %q %q", want.Title, want.Issuer, want.Date)
	}
	for name, raw := range map[string][]byte{
		"gbk.txt":     encode(t, simplifiedchinese.GBK, sampleText),
		"utf16le.txt": encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), strings.ReplaceAll(sampleText, "\n", "\r\n")),
		"utf16be.txt": encode(t, xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM), sampleText),
	} {
		got, err := ParseFile(name, raw, Meta{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got.Title != want.Title || got.Issuer != want.Issuer || got.Date != want.Date || len(got.Passages) != len(want.Passages) {
			t.Errorf("%s: %q %q %q with %d passages, want %d", name, got.Title, got.Issuer, got.Date, len(got.Passages), len(want.Passages))
			continue
		}
		for i, p := range got.Passages {
			w := want.Passages[i]
			if p.Text != w.Text || strings.Join(p.HeadingPath, "/") != strings.Join(w.HeadingPath, "/") || p.Label != w.Label {
				t.Errorf("%s: passage %d = %q %v, want %q %v", name, i, p.Text, p.HeadingPath, w.Text, w.HeadingPath)
			}
		}
	}
}
