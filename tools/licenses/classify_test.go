package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	agpl, err := os.ReadFile("testdata/agpl-3.0.txt")
	if err != nil {
		t.Fatal(err)
	}
	apache, err := os.ReadFile("../../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, text string
		want       []string
		allowed    bool
	}{
		{"AGPL-3.0 text", string(agpl), []string{"AGPL-3.0"}, false},
		{"AGPL notice in a README", "This program is free software: you can redistribute it and/or modify\nit under the terms of the GNU Affero General Public License as published by\nthe Free Software Foundation.", []string{"AGPL-3.0"}, false},
		{"GPL-2.0 notice", "This program is free software; you can redistribute it and/or modify it under the terms of the GNU General Public License as published by the Free Software Foundation; either version 2", []string{"GPL"}, false},
		{"LGPL", "GNU LESSER GENERAL PUBLIC LICENSE Version 3, 29 June 2007 ... this version of the GNU General Public License", []string{"LGPL"}, false},
		{"SSPL", "Server Side Public License VERSION 1, OCTOBER 16, 2018", []string{"SSPL-1.0"}, false},
		{"MIT or GPL", "Dual licensed: MIT or GPL-3.0. Permission is hereby granted, free of charge, to any person obtaining a copy of this software. The above copyright notice and this permission notice shall be included in all copies. Alternatively, the GNU General Public License version 3 applies.", []string{"GPL", "MIT"}, false},
		{"unknown", "All rights reserved. Do not copy.", []string{"unknown"}, false},
		{"empty", "", []string{"unknown"}, false},
		{"Apache-2.0 (our LICENSE)", string(apache), []string{"Apache-2.0"}, true},
		{"MIT, wrapped and in Markdown", "# MIT\n\n**Permission is hereby granted, free of charge, to any person\nobtaining a copy** ...\nThe above copyright notice and this permission\nnotice shall be included in all copies.", []string{"MIT"}, true},
		{"BSD-3-Clause", "Redistribution and use in source and binary forms, with or without modification, are permitted provided that: * Redistributions in binary form must reproduce the above copyright notice * Neither the name of Google Inc. nor the names of its contributors may be used", []string{"BSD-3-Clause"}, true},
		{"BSD-2-Clause", "Redistribution and use in source and binary forms, with or without modification, are permitted provided that: 1. ... 2. Redistributions in binary form must reproduce the above copyright notice", []string{"BSD-2-Clause"}, true},
	} {
		ids, ok := Classify(tc.text)
		if !slices.Equal(ids, tc.want) || ok != tc.allowed {
			t.Errorf("%s: Classify = %q, %v; want %q, %v", tc.name, ids, ok, tc.want, tc.allowed)
		}
	}
}

// TestAuditRefusesAGPLModule reads a module whose licence file is the AGPL
// as the tool reads one from the module cache, and checks that the audit
// names it as a problem.
func TestAuditRefusesAGPLModule(t *testing.T) {
	agpl, err := os.ReadFile("testdata/agpl-3.0.txt")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "LICENSE"), agpl, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "server.go"), []byte("package server\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := &module{Path: "example.com/agplserver", Version: "v1.0.0", Dir: dir, pkgDirs: map[string]bool{dir: true}}
	inv := &inventory{modules: []*module{m}}
	if err := inv.readLicences(); err != nil {
		t.Fatal(err)
	}
	problems := inv.problems()
	if len(problems) != 1 || !strings.Contains(problems[0], "example.com/agplserver v1.0.0: LICENSE is AGPL-3.0, which does not allow distribution") {
		t.Fatalf("problems = %q, want the AGPL module named", problems)
	}
}
