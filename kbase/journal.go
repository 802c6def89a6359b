package kbase

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/shanxi-sme/kb/atomicfile"
	"github.com/shanxi-sme/kb/docstore"
)

// The journal records a change to the catalog before it starts; the
// record goes once the change is complete. On start, a record left behind
// names a change a killed process did not finish:
//   - an ingest is rolled back (its original removed; the index's
//     reconciliation deletes any passages it had written), so the catalog
//     is as before it;
//   - a deletion is completed.
const journalDir = "journal"

type intent struct {
	Op   string `json:"op"` // "add" or "delete"
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

func (kb *KB) journalPath(id string) string {
	return filepath.Join(kb.dataDir, journalDir, id+".json")
}

// begin records an intent durably.
func (kb *KB) begin(op, id, name string) error {
	b, err := json.Marshal(intent{Op: op, ID: id, Name: name})
	if err != nil {
		return fmt.Errorf("encode journal record: %w", err)
	}
	if err := atomicfile.WriteBytes(kb.journalPath(id), b); err != nil {
		return fmt.Errorf("write journal record: %w", err)
	}
	return nil
}

// done removes an intent once its change is complete (or rolled back).
func (kb *KB) done(id string) {
	if err := os.Remove(kb.journalPath(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		kb.log.Error("journal record cannot be removed; the next start will roll the change back", "id", id, "err", err)
		return
	}
	_ = atomicfile.SyncDir(filepath.Join(kb.dataDir, journalDir))
}

// recoverJournal finishes or rolls back the changes a killed process left.
func (kb *KB) recoverJournal() error {
	dir := filepath.Join(kb.dataDir, journalDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read journal: %w", err)
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), ".") {
			_ = os.Remove(path) // a journal record's own interrupted write
			continue
		}
		b, err := os.ReadFile(path)
		var in intent
		if err == nil {
			err = json.Unmarshal(b, &in)
		}
		if err != nil || in.ID == "" {
			// Written atomically, so this is not ours to act on; keep it aside.
			kb.log.Warn("unreadable journal record set aside", "file", e.Name(), "err", err)
			_ = os.MkdirAll(filepath.Join(kb.dataDir, quarantineDir), 0o755)
			_ = os.Rename(path, filepath.Join(kb.dataDir, quarantineDir, "journal-"+e.Name()))
			continue
		}
		switch in.Op {
		case "add":
			kb.log.Warn("an interrupted ingest was rolled back", "id", in.ID, "name", in.Name)
		case "delete":
			kb.log.Warn("an interrupted deletion was completed", "id", in.ID)
		}
		if err := kb.store.Delete(in.ID); err != nil && !errors.Is(err, docstore.ErrNotFound) {
			return fmt.Errorf("recover interrupted change of %s: %w", in.ID, err)
		}
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("remove journal record: %w", err)
		}
	}
	return atomicfile.SyncDir(dir)
}
