package embedding

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestCachedAvoidsRequestsAndSurvivesReload(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, 4)
	path := filepath.Join(t.TempDir(), "cache", "embeddings.bin")
	c, err := NewCached(f.client(t, f.config()), path)
	if err != nil {
		t.Fatalf("NewCached on a missing file: %v", err)
	}

	steps := []struct {
		texts    []string
		wantSent [][]string // inputs of the requests this step causes
	}{
		{[]string{"a", "b", "a"}, [][]string{{"a", "b"}}}, // a repeated text is sent once
		{[]string{"b", "c", "a"}, [][]string{{"c"}}},      // only the new text
		{[]string{"c", "a", "b"}, nil},                    // all cached
	}
	seen := 0
	for i, st := range steps {
		got, err := c.Embed(ctx, st.texts)
		if err != nil {
			t.Fatalf("step %d: Embed: %v", i, err)
		}
		for j, text := range st.texts {
			if !reflect.DeepEqual(got[j], fakeVector(text, 4)) {
				t.Errorf("step %d: vector %d is not the one of %q", i, j, text)
			}
		}
		reqs := f.requests()[seen:]
		seen += len(reqs)
		var sent [][]string
		for _, r := range reqs {
			sent = append(sent, r.input)
		}
		if !reflect.DeepEqual(sent, st.wantSent) {
			t.Errorf("step %d: sent %q, want %q", i, sent, st.wantSent)
		}
	}

	// Returned vectors are copies: changing one leaves the cache intact.
	got, _ := c.Embed(ctx, []string{"a"})
	got[0][0] = 42
	if again, _ := c.Embed(ctx, []string{"a"}); again[0][0] == 42 {
		t.Error("modifying a returned vector changed the cache")
	}

	if err := c.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d files after Save, want 1 (no temporary left)", len(entries))
	}

	reloaded, err := NewCached(f.client(t, f.config()), path)
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	if reloaded.Len() != 3 {
		t.Errorf("reloaded cache has %d entries, want 3", reloaded.Len())
	}
	before := len(f.requests())
	got, err = reloaded.Embed(ctx, []string{"a", "b", "c"})
	if err != nil {
		t.Fatalf("Embed after reload: %v", err)
	}
	if n := len(f.requests()) - before; n != 0 {
		t.Errorf("%d requests after reload, want 0", n)
	}
	if d := reloaded.Dimensions(); d != 4 {
		t.Errorf("Dimensions() after an all-hit call = %d, want 4", d)
	}
	for j, text := range []string{"a", "b", "c"} {
		if !reflect.DeepEqual(got[j], fakeVector(text, 4)) {
			t.Errorf("reloaded vector %d is not the one of %q", j, text)
		}
	}
}

func TestCachedKeysByModel(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, 4)
	path := filepath.Join(t.TempDir(), "embeddings.bin")
	c, err := NewCached(f.client(t, f.config()), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Embed(ctx, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	other := f.config()
	other.Model = "other-model"
	c2, err := NewCached(f.client(t, other), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Embed(ctx, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests, want 2: another model must not hit the cache", n)
	}
}

func TestCachedPropagatesErrors(t *testing.T) {
	f := newFake(t, 4)
	c := f.config()
	c.Dimensions = 8 // the server answers with 4
	cached, err := NewCached(f.client(t, c), filepath.Join(t.TempDir(), "e.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cached.Embed(context.Background(), []string{"a"}); !errors.Is(err, ErrDimension) {
		t.Fatalf("err = %v, want ErrDimension", err)
	}
	if cached.Len() != 0 {
		t.Error("a failed call left entries in the cache")
	}
}

func TestCachedCorruptFile(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, 4)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.bin")
	c, err := NewCached(f.client(t, f.config()), good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Embed(ctx, []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		d := append([]byte(nil), data...)
		d[i] ^= 0x40
		return d
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"garbage", []byte("this is not a cache file at all, just text")},
		{"bad version", flip(8)},
		{"huge count", flip(19)},
		{"truncated in a vector", data[:len(data)-10]},
		{"checksum cut off", data[:len(data)-2]},
		{"bit flipped in a vector", flip(len(data) - 8)},
		{"trailing data", append(append([]byte(nil), data...), 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.bin")
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := NewCached(f.client(t, f.config()), path)
			if !errors.Is(err, ErrCorruptCache) {
				t.Fatalf("NewCached = %v, want ErrCorruptCache", err)
			}
			t.Log(err)
		})
	}
}
