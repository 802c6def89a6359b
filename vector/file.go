package vector

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"

	"github.com/shanxi-sme/kb/atomicfile"
)

// A store file is little-endian:
//
//	magic "KBVECTOR" | version uint32 | model length uint16 | model
//	dim uint32 | count uint64
//	count × ( id length uint16 | id )
//	count × dim × float32 (unit vectors, in id order)
//	CRC-32C of everything above, uint32
//
// Ids come before vectors so that the vectors load as one contiguous block.
const (
	fileMagic   = "KBVECTOR"
	fileVersion = 1
	// maxDim and maxModelLen bound what a corrupt header can make Load
	// allocate; real models stay far below.
	maxDim      = 1 << 16
	maxModelLen = 1 << 10
	// chunkBytes is the unit in which vectors are written and read.
	chunkBytes = 1 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Save writes the store to path atomically, so that a crash mid-write
// leaves the previous file rather than a torn one.
func (s *Store) Save(path string) error {
	if s.dim <= 0 || s.dim > maxDim {
		return fmt.Errorf("save vectors %s: dimension %d out of range 1..%d", path, s.dim, maxDim)
	}
	if len(s.model) > maxModelLen {
		return fmt.Errorf("save vectors %s: model name of %d bytes exceeds %d", path, len(s.model), maxModelLen)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	err := atomicfile.Write(path, func(w io.Writer) error {
		crc := crc32.New(castagnoli)
		mw := io.MultiWriter(w, crc)
		buf := make([]byte, 0, chunkBytes+4*s.dim)
		flush := func(force bool) error {
			if len(buf) < chunkBytes && !force {
				return nil
			}
			_, err := mw.Write(buf)
			buf = buf[:0]
			return err
		}
		buf = append(buf, fileMagic...)
		buf = binary.LittleEndian.AppendUint32(buf, fileVersion)
		buf = binary.LittleEndian.AppendUint16(buf, uint16(len(s.model)))
		buf = append(buf, s.model...)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(s.dim))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(s.ids)))
		for _, id := range s.ids {
			buf = binary.LittleEndian.AppendUint16(buf, uint16(len(id)))
			buf = append(buf, id...)
			if err := flush(false); err != nil {
				return err
			}
		}
		for _, x := range s.vecs {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
			if err := flush(false); err != nil {
				return err
			}
		}
		if err := flush(true); err != nil {
			return err
		}
		// The checksum goes to w only: it covers what precedes it.
		_, err := w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
		return err
	})
	if err != nil {
		return fmt.Errorf("save vectors %s: %w", path, err)
	}
	return nil
}

// Load reads a store written by Save. A missing file wraps fs.ErrNotExist;
// a truncated or damaged one wraps ErrCorrupt and says what is wrong.
func Load(path string) (*Store, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load vectors: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("load vectors: %w", err)
	}
	crc := crc32.New(castagnoli)
	d := &decoder{r: io.TeeReader(bufio.NewReaderSize(f, chunkBytes), crc), size: st.Size()}
	s, err := d.store(crc)
	if err != nil {
		return nil, fmt.Errorf("load vectors %s: %w: %w", path, ErrCorrupt, err)
	}
	return s, nil
}

// decoder reads a store file while counting the bytes it consumed, so that
// sizes promised by the header are checked before anything is allocated.
type decoder struct {
	r    io.Reader
	size int64 // of the whole file
	off  int64 // bytes read so far
	buf  [8]byte
}

// errTruncated is returned for reads past the end of the file.
var errTruncated = errors.New("file truncated")

func (d *decoder) read(p []byte, what string) error {
	n, err := io.ReadFull(d.r, p)
	d.off += int64(n)
	if err != nil {
		return fmt.Errorf("%w reading %s at byte %d of %d", errTruncated, what, d.off, d.size)
	}
	return nil
}

func (d *decoder) u16(what string) (uint16, error) {
	err := d.read(d.buf[:2], what)
	return binary.LittleEndian.Uint16(d.buf[:2]), err
}

func (d *decoder) u32(what string) (uint32, error) {
	err := d.read(d.buf[:4], what)
	return binary.LittleEndian.Uint32(d.buf[:4]), err
}

func (d *decoder) u64(what string) (uint64, error) {
	err := d.read(d.buf[:8], what)
	return binary.LittleEndian.Uint64(d.buf[:8]), err
}

// store decodes the whole file; crc hashes everything read so far.
func (d *decoder) store(crc hash.Hash32) (*Store, error) {
	magic := make([]byte, len(fileMagic))
	if err := d.read(magic, "magic"); err != nil {
		return nil, err
	}
	if string(magic) != fileMagic {
		return nil, errors.New("not a vector store (bad magic)")
	}
	version, err := d.u32("version")
	if err != nil {
		return nil, err
	}
	if version != fileVersion {
		return nil, fmt.Errorf("version %d, this program reads version %d", version, fileVersion)
	}
	modelLen, err := d.u16("model length")
	if err != nil {
		return nil, err
	}
	if modelLen > maxModelLen {
		return nil, fmt.Errorf("model name of %d bytes exceeds %d", modelLen, maxModelLen)
	}
	model := make([]byte, modelLen)
	if err := d.read(model, "model"); err != nil {
		return nil, err
	}
	dim, err := d.u32("dimension")
	if err != nil {
		return nil, err
	}
	if dim == 0 || dim > maxDim {
		return nil, fmt.Errorf("dimension %d out of range 1..%d", dim, maxDim)
	}
	count, err := d.u64("count")
	if err != nil {
		return nil, err
	}
	// Each entry needs at least its id length and its vector.
	if perEntry := uint64(2 + 4*dim); count > uint64(d.size-d.off)/perEntry {
		return nil, fmt.Errorf("%w: header promises %d vectors of %d dimensions but the file has only %d bytes",
			errTruncated, count, dim, d.size)
	}

	s := New(string(model), int(dim))
	s.ids = make([]string, count)
	s.pos = make(map[string]int, count)
	var idBuf []byte
	for i := range s.ids {
		n, err := d.u16("id length")
		if err != nil {
			return nil, err
		}
		idBuf = slices.Grow(idBuf[:0], int(n))[:n]
		if err := d.read(idBuf, "id"); err != nil {
			return nil, err
		}
		id := string(idBuf)
		if id == "" {
			return nil, fmt.Errorf("vector %d has an empty id", i)
		}
		if j, dup := s.pos[id]; dup {
			return nil, fmt.Errorf("id %q appears twice (vectors %d and %d)", id, j, i)
		}
		s.ids[i], s.pos[id] = id, i
	}
	switch want := d.off + int64(count)*int64(dim)*4 + 4; {
	case d.size < want:
		return nil, fmt.Errorf("%w: file has %d bytes, its header promises %d", errTruncated, d.size, want)
	case d.size > want:
		return nil, fmt.Errorf("file has %d bytes, its header promises %d: trailing data", d.size, want)
	}

	s.vecs = make([]float32, int(count)*int(dim))
	raw := make([]byte, 0, chunkBytes)
	for start := 0; start < len(s.vecs); {
		end := min(len(s.vecs), start+chunkBytes/4)
		raw = raw[:4*(end-start)]
		if err := d.read(raw, fmt.Sprintf("vector %d", start/int(dim))); err != nil {
			return nil, err
		}
		for j := range end - start {
			x := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, fmt.Errorf("vector %d holds a non-finite value", (start+j)/int(dim))
			}
			s.vecs[start+j] = x
		}
		start = end
	}
	want := crc.Sum32()
	got, err := d.u32("checksum")
	if err != nil {
		return nil, err
	}
	if got != want {
		return nil, errors.New("checksum mismatch")
	}
	return s, nil
}
