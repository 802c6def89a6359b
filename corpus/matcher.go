package corpus

import "unicode/utf8"

// Match is one occurrence of a dictionary key in a text.
type Match[V any] struct {
	Start, End int // byte offsets into the text
	Key        string
	Value      V
}

// Matcher finds dictionary keys in text, leftmost-longest and without
// overlaps, so "标准地" is found whole and does not also count as "标准".
// It is a rune trie; build it once, then it is safe for concurrent reads.
type Matcher[V any] struct {
	root trieNode[V]
	size int
}

type trieNode[V any] struct {
	children map[rune]*trieNode[V]
	terminal bool
	key      string
	value    V
}

// Add registers key with its value. A later Add of the same key replaces the value.
func (m *Matcher[V]) Add(key string, value V) {
	if key == "" {
		return
	}
	n := &m.root
	for _, r := range key {
		if n.children == nil {
			n.children = make(map[rune]*trieNode[V])
		}
		c := n.children[r]
		if c == nil {
			c = &trieNode[V]{}
			n.children[r] = c
		}
		n = c
	}
	if !n.terminal {
		m.size++
	}
	n.terminal, n.key, n.value = true, key, value
}

// Len is the number of distinct keys.
func (m *Matcher[V]) Len() int { return m.size }

// Get returns the value of an exact key.
func (m *Matcher[V]) Get(key string) (V, bool) {
	n := &m.root
	for _, r := range key {
		n = n.children[r]
		if n == nil {
			var zero V
			return zero, false
		}
	}
	return n.value, n.terminal
}

// FindAll returns the non-overlapping leftmost-longest matches in text.
func (m *Matcher[V]) FindAll(text string) []Match[V] {
	var out []Match[V]
	for i := 0; i < len(text); {
		end, node := m.longestAt(text, i)
		if node == nil {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			continue
		}
		out = append(out, Match[V]{Start: i, End: end, Key: node.key, Value: node.value})
		i = end
	}
	return out
}

// longestAt returns the end offset and node of the longest key starting at i.
func (m *Matcher[V]) longestAt(text string, i int) (int, *trieNode[V]) {
	n := &m.root
	var best *trieNode[V]
	bestEnd := 0
	for j := i; j < len(text); {
		r, size := utf8.DecodeRuneInString(text[j:])
		n = n.children[r]
		if n == nil {
			break
		}
		j += size
		if n.terminal {
			best, bestEnd = n, j
		}
	}
	return bestEnd, best
}
