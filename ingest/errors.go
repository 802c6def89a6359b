package ingest

import "errors"

// Sentinel errors of ParseFile. Their text is shown to the people who
// upload files, so it is Chinese and says what is wrong with the file;
// ParseFile wraps them with the file name: "报告.pdf: 文件已加密，无法读取".
// Test with errors.Is.
var (
	ErrUnsupported = errors.New("不支持的文件格式")
	ErrEncrypted   = errors.New("文件已加密，无法读取")
	ErrEmpty       = errors.New("文件为空")
	ErrTooLarge    = errors.New("文件过大")
	ErrNoText      = errors.New("没有可读取的文字")
	ErrNotText     = errors.New("不是文本文件")
	ErrCorrupt     = errors.New("文件已损坏或内容与格式不符")
)

// ErrLegacyWord is a Word 97-2003 (.doc) or WPS (.wps) document, an OLE2
// compound file the readers do not read. It is an ErrUnsupported (HTTP
// 415) that callers can also tell apart with errors.Is(err, ErrLegacyWord);
// its text tells the user how to convert the file.
var ErrLegacyWord error = &fileError{
	msg: "旧版 Word 97-2003 文档（.doc/.wps），请在 Word 或 WPS 中另存为 .docx 后再上传",
	err: ErrUnsupported,
}

// fileError is an error whose message is written for the user in full,
// while errors.Is still finds the sentinel it stands for (ErrLegacyWord is
// an ErrUnsupported whose message says to save the file as .docx).
type fileError struct {
	msg string
	err error
}

func (e *fileError) Error() string { return e.msg }
func (e *fileError) Unwrap() error { return e.err }
