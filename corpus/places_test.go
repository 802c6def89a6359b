package corpus

import (
	"strings"
	"testing"
)

// Places outside the gazetteer are found by their suffix.
func TestFreePlaces(t *testing.T) {
	for _, tc := range []struct {
		text, counties, cities string
	}{
		{"湖州市安吉县白茶产业发展报告", "安吉县", "湖州市"},
		{"关于印发义乌市促进小微企业发展若干政策的通知", "", "义乌市"},
		{"内蒙古自治区阿荣旗工业和信息化局", "阿荣旗", ""},
		{"浙江省安吉县经济和信息化局", "安吉县", ""},
		{"2024年临安区数字经济工作要点", "临安区", ""},
		// Words with the same endings are no places.
		{"关于加快发展县域经济的意见", "", ""},
		{"推进城市更新和老旧小区改造", "", ""},
		{"全县中小企业发展情况", "", ""},
		{"示范县创建工作总结", "", ""},
		{"经济开发区管委会", "", ""},
		{"工业园区标准化厂房建设", "", ""},
		{"市场主体倍增行动", "", ""},
		{"重点区域招商", "", ""},
		{"自治区人民政府办公厅", "", ""},
		{"社区服务与城区更新", "", ""},
		{"高新区和全区企业", "", ""},
		{"各市县区工信部门", "", ""},
		{"省级专精特新企业名单", "", ""},
	} {
		s := freePlaces(tc.text)
		if got := strings.Join(s.countyNames(), " "); got != tc.counties {
			t.Errorf("%s: counties %q, want %q", tc.text, got, tc.counties)
		}
		if got := strings.Join(s.cities, " "); got != tc.cities {
			t.Errorf("%s: cities %q, want %q", tc.text, got, tc.cities)
		}
	}
}
