package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goNames is what a package declares: its top-level names, and the methods and struct fields
// of each of its types.
type goNames struct {
	top     map[string]bool
	members map[string]map[string]bool // type → method or field names
}

func readPackage(t *testing.T, dir string) goNames {
	t.Helper()
	n := goNames{top: map[string]bool{}, members: map[string]map[string]bool{}}
	member := func(typ, name string) {
		if n.members[typ] == nil {
			n.members[typ] = map[string]bool{}
		}
		n.members[typ][name] = true
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					n.top[d.Name.Name] = true
					continue
				}
				typ := d.Recv.List[0].Type
				if s, ok := typ.(*ast.StarExpr); ok {
					typ = s.X
				}
				if id, ok := typ.(*ast.Ident); ok {
					member(id.Name, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						n.top[s.Name.Name] = true
						st, ok := s.Type.(*ast.StructType)
						if !ok {
							continue
						}
						for _, fl := range st.Fields.List {
							for _, name := range fl.Names {
								member(s.Name.Name, name.Name)
							}
						}
					case *ast.ValueSpec:
						for _, name := range s.Names {
							n.top[name.Name] = true
						}
					}
				}
			}
		}
	}
	return n
}

// TestArchitectureNames checks that every Go name and file docs/ARCHITECTURE.md names in
// backticks exists: `pkg.Name` (a function, type, variable or constant of internal/pkg),
// `pkg.Type.Member` (a method or field of that type) and `pkg/file.go` (a file of
// internal/pkg). A rename or a move that leaves the map behind fails here.
func TestArchitectureNames(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	ident := regexp.MustCompile(`^([a-z][a-z0-9]*)\.([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?$`)
	file := regexp.MustCompile(`^([a-z][a-z0-9]*)/[A-Za-z0-9_]+\.go$`)
	pkgs := map[string]goNames{}
	names, files := 0, 0
	for _, m := range regexp.MustCompile("`([^`\\n]+)`").FindAllStringSubmatch(string(doc), -1) {
		span := m[1]
		if f := file.FindStringSubmatch(span); f != nil {
			if _, err := os.Stat(filepath.Join(root, "internal", span)); err != nil {
				t.Errorf("ARCHITECTURE.md names %s: no such file in internal/", span)
			}
			files++
			continue
		}
		id := ident.FindStringSubmatch(span)
		if id == nil {
			continue
		}
		dir := filepath.Join(root, "internal", id[1])
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue // not a package of ours (a file name, a config key)
		}
		p, ok := pkgs[id[1]]
		if !ok {
			p = readPackage(t, dir)
			pkgs[id[1]] = p
		}
		names++
		switch {
		case !p.top[id[2]]:
			t.Errorf("ARCHITECTURE.md names %s: package %s declares no %s", span, id[1], id[2])
		case id[3] != "" && !p.members[id[2]][id[3]]:
			t.Errorf("ARCHITECTURE.md names %s: %s.%s has no method or field %s", span, id[1], id[2], id[3])
		}
	}
	if names < 50 || files < 20 {
		t.Errorf("checked %d names and %d files; the map names more (is the pattern still right?)", names, files)
	}
}
