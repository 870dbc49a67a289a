package job

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// fileFS shows one file of a Beam filesystem (local, gs://, s3://…) as an
// fs.FS holding a directory "." with that file in it. ingest's WalkFS over
// it then applies exactly the rules of a directory walk (hidden files and
// unknown extensions skipped, format by extension, gzip by magic bytes)
// while the bytes stream from wherever the file lives.
type fileFS struct {
	ctx  context.Context
	fs   filesystem.Interface
	path string
	info fileInfo
}

// openFile prepares md's file for ingest. The caller must Close it.
func openFile(ctx context.Context, md fileio.FileMetadata) (*fileFS, error) {
	fsys, err := filesystem.New(ctx, md.Path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", md.Path, err)
	}
	_, base := splitPath(md.Path)
	return &fileFS{ctx: ctx, fs: fsys, path: md.Path, info: fileInfo{name: base, size: md.Size, mod: md.LastModified}}, nil
}

// Close releases the filesystem client.
func (f *fileFS) Close() error { return f.fs.Close() }

// Open opens "." or the file.
func (f *fileFS) Open(name string) (fs.File, error) {
	switch name {
	case ".":
		return dirFile{info: fileInfo{name: ".", dir: true}}, nil
	case f.info.name:
		rc, err := f.fs.OpenRead(f.ctx, f.path)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &file{ReadCloser: rc, info: f.info}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ReadDir lists the one file.
func (f *fileFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return []fs.DirEntry{fs.FileInfoToDirEntry(f.info)}, nil
}

// Stat describes "." or the file without opening it.
func (f *fileFS) Stat(name string) (fs.FileInfo, error) {
	switch name {
	case ".":
		return fileInfo{name: ".", dir: true}, nil
	case f.info.name:
		return f.info, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

type file struct {
	io.ReadCloser
	info fileInfo
}

func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }

type dirFile struct{ info fileInfo }

func (d dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: ".", Err: fs.ErrInvalid}
}
func (d dirFile) Close() error { return nil }

type fileInfo struct {
	name string
	size int64
	mod  time.Time
	dir  bool
}

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return i.size }
func (i fileInfo) ModTime() time.Time { return i.mod }
func (i fileInfo) IsDir() bool        { return i.dir }
func (i fileInfo) Sys() any           { return nil }
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
