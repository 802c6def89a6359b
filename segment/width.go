package segment

import "unicode/utf8"

// Full-width letters and digits (ＧＤＰ, ２０２３) would be split into
// single characters by gse. narrow rewrites them to ASCII before
// segmentation and keeps, for every byte of the result, the offset of the
// byte it came from, so tokens still point into the caller's text.
func narrow(text []byte) (out []byte, origin []int, changed bool) {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 {
			changed = true
			break
		}
		i += size
	}
	if !changed {
		return text, nil, false
	}
	out = make([]byte, 0, len(text))
	origin = make([]int, 0, len(text)+1)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			out = append(out, byte(r-0xFF01+0x21))
			origin = append(origin, i)
		case r == 0x3000:
			out = append(out, ' ')
			origin = append(origin, i)
		default:
			for k := 0; k < size; k++ {
				out = append(out, text[i+k])
				origin = append(origin, i+k)
			}
		}
		i += size
	}
	origin = append(origin, len(text))
	return out, origin, true
}
