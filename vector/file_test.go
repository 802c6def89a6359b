package vector

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	big := New("bge-m3", 64)
	for i := range 300 {
		if err := big.Add(filepath.Join("passage", string(rune('a'+i%26)), string(rune(0x4e00+i))), randomVector(rng, 64)); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []*Store{fixture(t), New("empty-model", 8), big} {
		t.Run(s.Model(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sub", "vectors.bin")
			if err := s.Save(path); err != nil {
				t.Fatalf("Save: %v", err)
			}
			got, err := Load(path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got.Model() != s.Model() || got.Dim() != s.Dim() || got.Len() != s.Len() {
				t.Fatalf("loaded %s/%d/%d, saved %s/%d/%d", got.Model(), got.Dim(), got.Len(), s.Model(), s.Dim(), s.Len())
			}
			if s.Len() == 0 {
				return
			}
			if !reflect.DeepEqual(got.ids, s.ids) || !reflect.DeepEqual(got.vecs, s.vecs) || !reflect.DeepEqual(got.pos, s.pos) {
				t.Error("loaded contents differ from saved")
			}
			q := s.vecs[:s.dim]
			want, _ := s.Search(q, 5, nil)
			res, err := got.Search(q, 5, nil)
			if err != nil || !reflect.DeepEqual(res, want) {
				t.Errorf("Search after Load = %v, %v; want %v", res, err, want)
			}
		})
	}
}

func TestLoadRejectsDamage(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.bin")
	if err := fixture(t).Save(good); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// Offsets in the fixture's file: magic 0–7, version 8–11, model
	// length 12–13, "test-model" 14–23, dim 24–27, count 28–35, ids
	// from 36 (5 × 3 bytes), vectors from 51, checksum in the last 4.
	flip := func(i int) []byte {
		d := append([]byte(nil), data...)
		d[i] ^= 0x01
		return d
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"bad magic", flip(0)},
		{"bad version", flip(8)},
		{"cut in header", data[:30]},
		{"cut in ids", data[:40]},
		{"cut in vectors", data[:len(data)-20]},
		{"checksum missing", data[:len(data)-4]},
		{"huge count", flip(35)},
		{"zero dimension", func() []byte { d := flip(24); d[24] = 0; return d }()},
		{"bit flip in a vector", flip(60)},
		{"bit flip in an id", flip(38)},
		{"trailing byte", append(append([]byte(nil), data...), 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.bin")
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Load = %v, want ErrCorrupt", err)
			}
			t.Log(err)
		})
	}
	if _, err := Load(filepath.Join(dir, "missing.bin")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file = %v, want fs.ErrNotExist", err)
	}
}
