package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/shanxi-sme/kb/atomicfile"
	"github.com/shanxi-sme/kb/kbase"
)

// backupCmd writes a tar.gz of the data folder's originals, parsed
// documents and tasks. It works while a server runs on the folder.
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./data", "数据目录")
	out := fs.String("out", "", "备份文件（.tar.gz），必填")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("请用 --out 指定备份文件，如 kb backup --out kb-备份.tar.gz")
	}
	if info, err := os.Stat(*data); err != nil || !info.IsDir() {
		return fmt.Errorf("找不到数据目录 %s：请用 --data 指定要备份的数据目录", *data)
	}
	var st kbase.BackupStats
	err := atomicfile.Write(*out, func(w io.Writer) error {
		var err error
		st, err = kbase.Backup(ctx, *data, w)
		return err
	})
	if err != nil {
		return fmt.Errorf("备份失败（%s）：%w", osReason(err), err)
	}
	fmt.Fprintf(stdout, "已备份 %d 个文档、%d 个上传任务到 %s（%.1f MB，不含可重建的索引）\n", st.Documents, st.Tasks, *out, float64(st.Bytes)/(1<<20))
	return nil
}

// restoreCmd unpacks a backup into a data folder; the index is rebuilt on
// the next start.
func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./data", "要恢复到的数据目录")
	force := fs.Bool("force", false, "数据目录中已有文档、任务或索引时也恢复（先删除它们）")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usagef("请指定一个备份文件：kb restore 备份.tar.gz [--data ./data] [--force]")
	}
	f, err := os.Open(files[0])
	if err != nil {
		return fileError(files[0], err)
	}
	defer f.Close()
	st, err := kbase.Restore(ctx, f, *data, *force)
	switch {
	case errors.Is(err, kbase.ErrNotEmpty):
		return fmt.Errorf("数据目录 %s 中已有文档、任务或索引，恢复会覆盖它们：请用 --data 指定一个空目录，或加 --force 覆盖", *data)
	case errors.Is(err, kbase.ErrNotBackup):
		return fmt.Errorf("%s 不是 kb backup 生成的备份文件，或已损坏（%v）", files[0], err)
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "已从 %s 恢复 %d 个文档、%d 个上传任务到 %s；下次启动时重建索引\n", files[0], st.Documents, st.Tasks, *data)
	return nil
}
