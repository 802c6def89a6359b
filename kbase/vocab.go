package kbase

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/ingest"
	"github.com/shanxi-sme/kb/segment"
	"github.com/shanxi-sme/kb/specificity"
)

// VocabDir is the folder of the data folder whose files replace the
// embedded vocabularies, so that a deployment (a policy expert) can edit
// them without rebuilding the program. A change is picked up at the next
// start: the index fingerprint and the stored parse results depend on the
// vocabularies, so the index is rebuilt and documents are tagged again.
const VocabDir = "vocab"

// Files a vocabulary folder may hold, each replacing its embedded default
// (the formats are those of the files in corpus/data, segment/data and
// specificity/data; README: 数据文件格式).
const (
	VocabGazetteer = "gazetteer.tsv"   // counties and cities
	VocabThemes    = "themes.txt"      // theme ontology
	VocabConcepts  = "concepts.txt"    // concept thesaurus
	VocabDomain    = "domain.dict"     // domain dictionary of the segmenter
	VocabGeneral   = "general_idf.txt" // general-language IDF of term specificity
)

// LoadVocab loads the parts with the vocabulary files found in dir
// replacing the embedded ones ("" or a missing folder: all embedded). A
// malformed file is an error naming the file and the line.
func LoadVocab(dir string) (*Parts, error) { return LoadVocabAlongside(dir, nil) }

// LoadVocabAlongside is LoadVocab that runs alongside, when not nil, while
// the segmenter's dictionary loads (the slow half of loading): it gets
// the parts without segmenter and term specificity, and LoadVocabAlongside
// returns once it has returned too. A caller starts work that needs only
// the vocabularies there (generating a synthetic corpus), so that a
// restart takes the longer of the two, not their sum.
func LoadVocabAlongside(dir string, alongside func(*Parts)) (*Parts, error) {
	read := func(name string) (string, bool, error) {
		if dir == "" {
			return "", false, nil
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			return "", false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("读取词表 %s：%w", filepath.Join(dir, name), err)
		}
		return string(b), true, nil
	}
	src := func(name string) string { return filepath.Join(dir, name) }
	overrides := map[string]string{}
	p := &Parts{}
	var err error
	if s, ok, err := read(VocabGazetteer); err != nil {
		return nil, err
	} else if ok {
		overrides[VocabGazetteer] = s
		p.Places, err = corpus.LoadGazetteer(bytes.NewReader([]byte(s)), src(VocabGazetteer))
		if err != nil {
			return nil, vocabError(err)
		}
	} else if p.Places, err = corpus.DefaultGazetteer(); err != nil {
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	if s, ok, err := read(VocabThemes); err != nil {
		return nil, err
	} else if ok {
		overrides[VocabThemes] = s
		p.Themes, err = corpus.LoadOntology(bytes.NewReader([]byte(s)), src(VocabThemes))
		if err != nil {
			return nil, vocabError(err)
		}
	} else if p.Themes, err = corpus.DefaultOntology(); err != nil {
		return nil, fmt.Errorf("load ontology: %w", err)
	}
	if s, ok, err := read(VocabConcepts); err != nil {
		return nil, err
	} else if ok {
		overrides[VocabConcepts] = s
		p.Concepts, err = corpus.LoadThesaurus(bytes.NewReader([]byte(s)), src(VocabConcepts), p.Themes)
		if err != nil {
			return nil, vocabError(err)
		}
	} else if p.Concepts, err = corpus.DefaultThesaurus(p.Themes); err != nil {
		return nil, fmt.Errorf("load thesaurus: %w", err)
	}
	p.Tagger = &corpus.Tagger{Places: p.Places, Themes: p.Themes}
	docs, err := ingest.LoadSeed(p.Tagger)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	p.Library = corpus.NewLibrary(docs)
	// The other files are read (not yet loaded) first: the fingerprint
	// covers them all, and the work alongside (loading stored documents)
	// needs it to tell current parse results from stale ones.
	domain, domainOK, err := read(VocabDomain)
	if err != nil {
		return nil, err
	}
	if domainOK {
		overrides[VocabDomain] = domain
	}
	general, generalOK, err := read(VocabGeneral)
	if err != nil {
		return nil, err
	}
	p.dataFingerprint = vocabFingerprint(overrides)
	if alongside != nil {
		vocab := *p // a copy: the fields set below are not its
		done := make(chan struct{})
		go func() {
			defer close(done)
			alongside(&vocab)
		}()
		defer func() { <-done }()
	}
	opts := segment.Options{Words: append(append(p.Places.Terms(), p.Themes.Terms()...), p.Concepts.Terms()...)}
	if domainOK {
		opts.DomainDict, opts.DomainSource = domain, src(VocabDomain)
	}
	if p.Segmenter, err = segment.New(opts); err != nil {
		if opts.DomainDict != "" {
			return nil, vocabError(err)
		}
		return nil, fmt.Errorf("load segmenter: %w", err)
	}
	if generalOK {
		if p.Specificity, err = specificity.Parse(bytes.NewReader([]byte(general)), src(VocabGeneral)); err != nil {
			return nil, vocabError(err)
		}
	} else if p.Specificity, err = specificity.Default(); err != nil {
		return nil, fmt.Errorf("load term specificity: %w", err)
	}
	return p, nil
}

// vocabFingerprint identifies the tagging data in use: the embedded data
// and the files that replace parts of it.
func vocabFingerprint(overrides map[string]string) string {
	if len(overrides) == 0 {
		return corpus.DataFingerprint()
	}
	h := sha256.New()
	h.Write([]byte(corpus.DataFingerprint()))
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "\x00%s\x00%s", n, overrides[n])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// ErrVocab marks a vocabulary file of the data folder that cannot be read
// as its format says; the message names the file and the line.
var ErrVocab = errors.New("词表文件有误")

func vocabError(err error) error {
	return fmt.Errorf("%w（改正后重新启动，或删除该文件改用内置词表）：%w", ErrVocab, err)
}
