package embedding

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"math"
	"os"
	"slices"

	"github.com/shanxi-sme/kb/atomicfile"
)

// The cache file is little-endian:
//
//	magic "KBECACHE" | version uint32 | count uint64
//	count × ( key [32]byte | dim uint32 | dim × float32 )
//	CRC-32C of everything above, uint32
//
// The checksum catches bit rot and partial copies that sizes alone miss.
const (
	cacheMagic   = "KBECACHE"
	cacheVersion = 1
	// maxCacheDim bounds a vector read from disk, so that a corrupt
	// length cannot trigger a huge allocation; real models stay far below.
	maxCacheDim = 1 << 16
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// writeCache writes vecs to path atomically, in key order so that equal
// caches give equal files.
func writeCache(path string, vecs map[cacheKey][]float32) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		crc := crc32.New(castagnoli)
		mw := io.MultiWriter(w, crc)
		buf := make([]byte, 0, 64<<10)
		buf = append(buf, cacheMagic...)
		buf = binary.LittleEndian.AppendUint32(buf, cacheVersion)
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(vecs)))
		keys := slices.SortedFunc(maps.Keys(vecs), func(a, b cacheKey) int { return bytes.Compare(a[:], b[:]) })
		for _, k := range keys {
			v := vecs[k]
			buf = append(buf, k[:]...)
			buf = binary.LittleEndian.AppendUint32(buf, uint32(len(v)))
			for _, x := range v {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
			}
			if len(buf) >= 32<<10 {
				if _, err := mw.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
		if _, err := mw.Write(buf); err != nil {
			return err
		}
		// The checksum itself goes to w only: it covers what precedes it.
		_, err := w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
		return err
	})
}

// readCache loads the cache at path. A missing file is fs.ErrNotExist;
// anything unreadable wraps ErrCorruptCache.
func readCache(path string) (map[cacheKey][]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	crc := crc32.New(castagnoli)
	r := io.TeeReader(bufio.NewReaderSize(f, 1<<20), crc)
	corrupt := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrCorruptCache, fmt.Sprintf(format, a...))
	}

	const headerSize = len(cacheMagic) + 4 + 8
	const entryMin = uint64(sha256.Size + 4 + 4) // key, dim, one component
	head := make([]byte, headerSize)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, corrupt("header truncated (%d bytes)", size)
	}
	if string(head[:len(cacheMagic)]) != cacheMagic {
		return nil, corrupt("not an embedding cache (bad magic)")
	}
	if v := binary.LittleEndian.Uint32(head[len(cacheMagic):]); v != cacheVersion {
		return nil, corrupt("version %d, this program reads version %d", v, cacheVersion)
	}
	count := binary.LittleEndian.Uint64(head[len(cacheMagic)+4:])
	if count > uint64(size)/entryMin {
		return nil, corrupt("claims %d entries but the file has only %d bytes", count, size)
	}

	vecs := make(map[cacheKey][]float32, count)
	entryHead := make([]byte, sha256.Size+4)
	var raw []byte
	for i := range count {
		if _, err := io.ReadFull(r, entryHead); err != nil {
			return nil, corrupt("truncated at entry %d of %d", i, count)
		}
		var k cacheKey
		copy(k[:], entryHead)
		dim := binary.LittleEndian.Uint32(entryHead[sha256.Size:])
		if dim == 0 || dim > maxCacheDim {
			return nil, corrupt("entry %d has dimension %d", i, dim)
		}
		raw = slices.Grow(raw[:0], int(dim)*4)[:dim*4]
		if _, err := io.ReadFull(r, raw); err != nil {
			return nil, corrupt("truncated in vector %d of %d", i, count)
		}
		v := make([]float32, dim)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			if math.IsNaN(float64(v[j])) || math.IsInf(float64(v[j]), 0) {
				return nil, corrupt("entry %d holds a non-finite value", i)
			}
		}
		if _, dup := vecs[k]; dup {
			return nil, corrupt("entry %d repeats a key", i)
		}
		vecs[k] = v
	}
	want := crc.Sum32()
	tail := make([]byte, 5) // one byte more than the checksum to detect trailing data
	n, err := io.ReadFull(r, tail)
	switch {
	case n < 4:
		return nil, corrupt("checksum missing (file truncated)")
	case n > 4 || !errors.Is(err, io.ErrUnexpectedEOF):
		return nil, corrupt("unexpected data after the last entry")
	case binary.LittleEndian.Uint32(tail) != want:
		return nil, corrupt("checksum mismatch")
	}
	return vecs, nil
}
