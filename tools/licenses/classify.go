package main

import (
	"regexp"
	"strings"
)

// A licence as the audit knows it: an SPDX identifier, whether Courtwatch
// (Apache-2.0) may be distributed with code under it, and the phrases that
// identify its text. Every phrase of a list must appear (after lower-casing
// and collapsing white space and punctuation runs to one space).
type licence struct {
	id      string
	allowed bool
	phrases [][]string // any one list of phrases identifies the licence
}

// licences is checked in order: the copyleft licences first, so that a
// text that names GPL and MIT (a dual licence, or MIT code that says it was
// relicensed from GPL) is never waved through as MIT. Such a file must be
// read by a person: add it to the review list in main.go if it is fine.
var licences = []licence{
	{"AGPL-3.0", false, [][]string{{"gnu affero general public license"}}},
	{"SSPL-1.0", false, [][]string{{"server side public license"}}},
	{"BUSL-1.1", false, [][]string{{"business source license"}}},
	{"Commons-Clause", false, [][]string{{"commons clause"}}},
	{"LGPL", false, [][]string{{"gnu lesser general public license"}, {"gnu library general public license"}}},
	{"GPL", false, [][]string{{"gnu general public license"}}},
	{"Apache-2.0", true, [][]string{{"apache license", "version 2 0"}}},
	{"MPL-2.0", true, [][]string{{"mozilla public license version 2 0"}, {"mozilla public license v 2 0"}}},
	{"OFL-1.1", true, [][]string{{"sil open font license version 1 1"}}},
	{"MIT", true, [][]string{{"permission is hereby granted free of charge to any person obtaining a copy", "the above copyright notice and this permission notice shall be included"}}},
	{"ISC", true, [][]string{{"permission to use copy modify and or distribute this software for any purpose with or without fee is hereby granted"}, {"permission to use copy modify and distribute this software for any purpose with or without fee is hereby granted"}}},
	{"BSD-3-Clause", true, [][]string{
		{"redistribution and use in source and binary forms", "neither the name"},
		{"redistribution and use in source and binary forms", "names of its contributors may not be used"},
		{"redistribution and use in source and binary forms", "name of the copyright holder nor the names"},
	}},
	{"BSD-2-Clause", true, [][]string{{"redistribution and use in source and binary forms", "redistributions in binary form must reproduce the above copyright notice"}}},
	{"Zlib", true, [][]string{{"this software is provided as is without any express or implied warranty", "altered source versions must be plainly marked as such"}}},
	{"Bitstream-Vera", true, [][]string{{"bitstream vera", "permission is hereby granted free of charge"}}},
	{"Unlicense", true, [][]string{{"this is free and unencumbered software released into the public domain"}}},
	{"CC0-1.0", true, [][]string{{"cc0 1 0 universal"}}},
}

var nonWord = regexp.MustCompile(`[^\p{L}\p{N}]+`)

// normalize lower-cases text and turns every run of characters other than
// letters and digits into one space, so that line breaks, comment markers,
// Markdown and typographic quotes do not hide a phrase.
func normalize(text string) string {
	return " " + strings.TrimSpace(nonWord.ReplaceAllString(strings.ToLower(text), " ")) + " "
}

// Classify returns the SPDX identifiers of the licences the text contains,
// each once, in the order of the licences table, and whether every one of
// them allows distribution with Apache-2.0. A text that matches none gives
// "unknown", which is not allowed: a person must read it.
func Classify(text string) (ids []string, allowed bool) {
	norm := normalize(text)
	allowed = true
	for _, l := range licences {
		for _, phrases := range l.phrases {
			if containsAll(norm, phrases) {
				ids = append(ids, l.id)
				allowed = allowed && l.allowed
				break
			}
		}
	}
	if len(ids) == 0 {
		return []string{"unknown"}, false
	}
	// The GPL family names itself inside the LGPL and AGPL texts; keep the
	// most specific name.
	if contains(ids, "GPL") && (contains(ids, "LGPL") || contains(ids, "AGPL-3.0")) {
		ids = remove(ids, "GPL")
	}
	// BSD-3-Clause is BSD-2-Clause plus the clause on names.
	if contains(ids, "BSD-3-Clause") {
		ids = remove(ids, "BSD-2-Clause")
	}
	return ids, allowed
}

func containsAll(norm string, phrases []string) bool {
	for _, p := range phrases {
		if !strings.Contains(norm, " "+p+" ") {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func remove(list []string, s string) []string {
	var out []string
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}
