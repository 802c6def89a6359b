package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
)

const odtNS = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ` +
	`xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ` +
	`xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ` +
	`xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"`

// buildODT writes an .odt as LibreOffice does: the mimetype entry first
// and stored, then content.xml with body as its office:text.
func buildODT(t *testing.T, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(odtMime))
	w, err = zw.Create("content.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><office:document-content ` + odtNS +
		`><office:body><office:text>` + body + `</office:text></office:body></office:document-content>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func op(text string) string { return `<text:p text:style-name="P1">` + text + `</text:p>` }

func TestODT(t *testing.T) {
	cell := func(s string) string { return `<table:table-cell>` + op(s) + `</table:table-cell>` }
	row := func(a, b string) string { return `<table:table-row>` + cell(a) + cell(b) + `</table:table-row>` }
	body := `<text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>` +
		op("阳曲县支持中小企业高质量发展的若干措施") +
		op("阳曲县工业和信息化局<text:s/>2024年3月") +
		`<text:table-of-content><text:index-body>` + op("一、强化企业梯度培育 1") + `</text:index-body></text:table-of-content>` +
		op("为深入贯彻落实省、市关于促进中小企业发展的决策部署，进一步激发市场主体活力，结合我县实际，制定以下措施。") +
		`<text:h text:outline-level="1">一、强化企业梯度培育</text:h>` +
		op(`建立创新型中小企业、专精特新中小企业、专精特新“小巨人”企业梯度培育库，对首次认定为省级专精特新中小企业的给予一次性奖励10万元。<text:note><text:note-body>`+op("脚注不是正文")+`</text:note-body></text:note>`) +
		`<table:table><table:table-column/>` + `<table:table-header-rows>` + row("乡镇", "入库企业数") + `</table:table-header-rows>` +
		row("黄寨镇", "12") + row("东黄水镇", "8") + row("泥屯镇", "5") + `</table:table>` +
		`<text:h text:outline-level="1">二、精准招商</text:h>` +
		op("围绕新材料、装备制造、现代物流等主导产业绘制产业链图谱，开展以商招商、驻地招商，对引进的重点项目实行专班服务、全程代办。") +
		`<text:h text:outline-level="1">三、学习清徐县精细化工园区建设经验</text:h>` +
		`<text:list><text:list-item>` + op("清徐县依托精细化工循环产业园，推行“标准地+承诺制”改革，项目拿地即开工。") + `</text:list-item>` +
		`<text:list-item>` + op("组织园区管理人员赴外地学习园区规划、招商运营和安全环保管理经验，<text:span>形成可复制的工作清单。</text:span>") + `</text:list-item></text:list>` +
		`<text:h text:outline-level="1">四、优化营商环境</text:h>` +
		op("深化“一枚印章管审批”改革，推行惠企政策免申即享，建立企业诉求“接诉即办”机制，办结率达到98%以上。")
	raw := buildODT(t, body)
	d := parseTagged(t, "措施.odt", raw)
	if d.Format != FormatODT || d.Title != "阳曲县支持中小企业高质量发展的若干措施" || d.Issuer != "阳曲县工业和信息化局" || d.Date != "2024-03" {
		t.Errorf("format/title/issuer/date = %q %q %q %q", d.Format, d.Title, d.Issuer, d.Date)
	}
	if got, want := outline(d), "序言 一、强化企业梯度培育 二、精准招商 三、学习清徐县精细化工园区建设经验 四、优化营商环境 指标"; got != want {
		t.Errorf("sections\n got %s\nwant %s", got, want)
	}
	if all := allText(d); strings.Contains(all, "脚注") || strings.Contains(all, "培育 1") {
		t.Errorf("notes or the table of contents were read:\n%s", all)
	}
	if len(d.Indicators) != 1 || len(d.Indicators[0].Rows) != 3 {
		t.Errorf("indicators %+v", d.Indicators)
	}
	md := parseTagged(t, "yangqu.md", readTestdata(t, "userdocs/yangqu.md"))
	if d.TextHash != md.TextHash {
		t.Error("the same text as .odt and .md hashes differently")
	}
	// An .odt that is not one, and other OpenDocument files, say so.
	ods := bytes.Replace(buildODT(t, op("表格")), []byte(odtMime), []byte("application/vnd.oasis.opendocument.spreadsheet"), 1)
	if _, err := ParseFile("表格.ods", ods, Meta{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf(".ods: %v", err)
	}
	if _, err := ParseFile("坏的.odt", buildODT(t, "<text:p>"), Meta{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("broken .odt: %v", err)
	}
}
