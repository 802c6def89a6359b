package ingest

import "strings"

// tableStack collects the tables of a word-processor document as its XML
// streams by (.docx and .odt name the elements differently but nest them
// the same way): tables nest, a table inside a cell is flattened into
// the cell's text, and a finished outer table becomes a Block.
type tableStack struct {
	tables []*docxTable
}

type docxTable struct {
	rows [][]string
	row  []string
	cell *strings.Builder
}

// top returns the innermost open table, or nil.
func (s *tableStack) top() *docxTable {
	if len(s.tables) == 0 {
		return nil
	}
	return s.tables[len(s.tables)-1]
}

func (s *tableStack) startTable() { s.tables = append(s.tables, &docxTable{}) }

func (s *tableStack) startRow() {
	if tb := s.top(); tb != nil {
		tb.row = nil
	}
}

func (s *tableStack) startCell() {
	if tb := s.top(); tb != nil {
		tb.cell = &strings.Builder{}
	}
}

func (s *tableStack) endCell() {
	if tb := s.top(); tb != nil && tb.cell != nil {
		tb.row = append(tb.row, strings.TrimSpace(tb.cell.String()))
		tb.cell = nil
	}
}

func (s *tableStack) endRow() {
	if tb := s.top(); tb != nil {
		tb.rows = append(tb.rows, tb.row)
		tb.row = nil
	}
}

// endTable closes the innermost table: into the enclosing cell, or as a
// block of out.
func (s *tableStack) endTable(out *[]Block) {
	n := len(s.tables)
	if n == 0 {
		return
	}
	tb := s.tables[n-1]
	s.tables = s.tables[:n-1]
	if outer := s.top(); outer != nil && outer.cell != nil {
		appendCell(outer.cell, tableText("", cleanRows(tb.rows))) // a table in a cell is flattened
	} else {
		*out = append(*out, Block{Table: tb.rows})
	}
}
