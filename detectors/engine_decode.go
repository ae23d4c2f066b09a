package detectors

// ScanDecoded is Scan (ScanExplain when explain is set) followed by a pass over
// the encoded text of the file: each run of base64, percent-encoding or \u/\x
// escapes that decodes to text is scanned by every rule and built-in detector,
// and so is encoded text inside that text, to a depth of two decodings. A finding
// in decoded text has Decoded set, the secret as decoded, the rule that matched,
// and the position (Start, End, Line, Column, EndLine, EndColumn) of the encoded
// characters in the file that hold it. Where a finding of the plain scan and a
// decoded one overlap, the more specific rule wins as in Scan; a decoded finding
// of the same rule as an overlapping plain one adds nothing and is dropped.
//
// Decoded text is read as text of no particular format (the line scanner reads
// its assignments), so rules with a path regex see the file's path followed by
// "#decoded". A file without base64 runs of 16 characters or more, %XX or \u/\x
// escapes costs two loops over its bytes.
func (e *Engine) ScanDecoded(path string, data []byte, explain bool) ([]Finding, error) {
	fs, err := e.scan(path, data, explain)
	if err != nil {
		return nil, err
	}
	dec, err := e.scanDecoded(path, data, explain)
	if err != nil {
		return nil, err
	}
	if len(dec) == 0 {
		return fs, nil
	}
	var kept []Finding
	for _, d := range dec {
		dup := false
		for i := range fs {
			f := &fs[i]
			if f.RuleID == d.RuleID && f.Start < d.End && d.Start < f.End && (f.Dropped == "") == (d.Dropped == "") {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, d)
		}
	}
	return dropShadowed(append(fs, kept...), explain), nil
}

// scanDecoded returns the findings in the decoded text of data, positioned in
// data.
func (e *Engine) scanDecoded(path string, data []byte, explain bool) ([]Finding, error) {
	spans := findEncoded(data)
	if len(spans) == 0 {
		return nil, nil
	}
	d := &decodePass{e: e, path: path, pseudo: path + "#decoded", explain: explain, lines: lineIndex{data: data}}
	err := d.walk(data, spans, nil, 1)
	return d.out, err
}

type decodePass struct {
	e       *Engine
	path    string
	pseudo  string
	explain bool
	lines   lineIndex
	// memo holds the findings of decoded texts already scanned (the same
	// value encoded at several places is scanned once).
	memo map[string][]Finding
	out  []Finding
}

func (d *decodePass) walk(text []byte, spans []encodedSpan, parent *decodeLayer, depth int) error {
	for _, s := range spans {
		dec, offs, ok := decodeSpan(text, s, maxDecoded)
		if !ok {
			continue
		}
		l := &decodeLayer{parent: parent, start: s.start, n: s.end - s.start, enc: s.enc, offs: offs}
		fs, ok := d.memo[string(dec)]
		if !ok {
			var err error
			fs, err = d.e.scan(d.pseudo, dec, d.explain)
			if err != nil {
				return err
			}
			if d.memo == nil {
				d.memo = map[string][]Finding{}
			}
			d.memo[string(dec)] = fs
		}
		for _, f := range fs {
			f.Path = d.path
			f.Start, f.End = l.toFile(f.Start, f.End)
			f.Line, f.Column = d.lines.pos(f.Start)
			f.EndLine, f.EndColumn = d.lines.pos(max(f.End-1, f.Start))
			f.Decoded = true
			d.out = append(d.out, f)
		}
		if depth < maxDecodeDepth {
			if inner := findEncoded(dec); len(inner) > 0 {
				if err := d.walk(dec, inner, l, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
