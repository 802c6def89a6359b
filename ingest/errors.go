package ingest

import (
	"context"
	"errors"
)

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
	// ErrTimeout: the file was not read by the deadline of the caller's
	// context. Reading a document of any honest size takes seconds, so a
	// file that takes longer is too complex (or built to be); the error
	// also wraps context.DeadlineExceeded.
	ErrTimeout = errors.New("文件过于复杂，未能在限定时间内读完")
)

// stopError is the error of a read whose context ended: it wraps the
// context's error (context.DeadlineExceeded or context.Canceled) and, for
// a deadline, ErrTimeout, while its text is written for the user.
type stopError struct {
	ctxErr error
}

// stopped returns the error of a read stopped by ctx, nil while ctx lasts.
func stopped(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return &stopError{ctxErr: err}
	}
	return nil
}

func (e *stopError) Error() string {
	if errors.Is(e.ctxErr, context.DeadlineExceeded) {
		return ErrTimeout.Error() + "，请拆分文件或另存为文本后再试"
	}
	return "读取已取消"
}

func (e *stopError) Unwrap() []error {
	if errors.Is(e.ctxErr, context.DeadlineExceeded) {
		return []error{ErrTimeout, e.ctxErr}
	}
	return []error{e.ctxErr}
}

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
