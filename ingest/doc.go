// Package ingest reads the documents users bring (plain text, Markdown,
// HTML, Word .docx, OpenDocument .odt, PDF) and parses their structure
// (title, issuer and date, headings, experience cases and their measures,
// tables and indicators) into a *corpus.Document. It also holds the default
// corpus embedded in the binary (seed/) and loads it with LoadSeed.
//
// ingest imports corpus for the model, the gazetteer and the tagger;
// corpus does not import ingest.
package ingest
