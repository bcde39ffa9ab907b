package server_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// module is the module path every import below is relative to.
const module = "github.com/ternant/ternant/"

// domains are the server's domain packages (docs/architecture.md), each owning the tables listed.
var domains = map[string][]string{
	"server/companies":   {"companies"},
	"server/users":       {"users"},
	"server/compounds":   {"compounds"},
	"server/apartments":  {"apartments"},
	"server/tenants":     {"tenants"},
	"server/occupancies": {"occupancies"},
	"server/invoices":    {"invoices", "invoice_totals"},
	"server/payments":    {"payments"},
	"server/reminders":   {"reminders"},
	"server/dashboard":   nil,
	"server/reports":     nil,
	"server/superadmin":  nil,
}

// readModels are the files whose SQL may read other domains' tables: cross-table figures that
// belong to no single domain (docs/architecture.md, "Boundaries"). They only read.
var readModels = map[string]bool{
	"server/dashboard/store.go":    true,
	"server/reports/store.go":      true,
	"server/superadmin/store.go":   true,
	"server/reminders/schedule.go": true,
}

// lowLevel are the packages every domain may build on; none of them may import a domain.
var lowLevel = []string{"server/httpx", "server/identity", "server/config", "server/auth", "server/platform/"}

// pkg is one package's non-test source as the boundary rules see it.
type pkg struct {
	dir     string
	imports map[string][]string // import path (module-relative) -> files importing it
	files   map[string]*ast.File
}

// loadTree parses every non-test Go file under the module root, grouped by directory.
func loadTree(t *testing.T) map[string]*pkg {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from %s: %v", root, err)
	}
	fset := token.NewFileSet()
	pkgs := map[string]*pkg{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		dir := filepath.ToSlash(filepath.Dir(rel))
		p := pkgs[dir]
		if p == nil {
			p = &pkg{dir: dir, imports: map[string][]string{}, files: map[string]*ast.File{}}
			pkgs[dir] = p
		}
		p.files[rel] = f
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if strings.HasPrefix(path, module) {
				path = strings.TrimPrefix(path, module)
				p.imports[path] = append(p.imports[path], rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

func under(path, prefix string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(path, prefix)
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// TestBoundaries enforces the dependency rules of docs/architecture.md on the source tree:
//   - httpx, identity, config, auth and platform/* import no domain package and not server;
//   - api and controllers (the operator) import nothing under server/;
//   - no domain package imports the composition root (server) or declares an exported Store;
//   - a domain's SQL names only its own tables, except in the listed read models.
func TestBoundaries(t *testing.T) {
	pkgs := loadTree(t)
	var broken []string
	fail := func(format string, args ...any) { broken = append(broken, fmt.Sprintf(format, args...)) }

	for dir, p := range pkgs {
		for imp, files := range p.imports {
			for _, low := range lowLevel {
				if !under(dir, low) {
					continue
				}
				if _, isDomain := domains[imp]; isDomain || imp == "server" {
					fail("%s imports %s (a lower layer must not import a domain or the composition root)", files[0], imp)
				}
			}
			if (under(dir, "api") || under(dir, "controllers")) && under(imp, "server") {
				fail("%s imports %s (the operator must not import the server)", files[0], imp)
			}
			if _, isDomain := domains[dir]; isDomain && imp == "server" {
				fail("%s imports the composition root", files[0])
			}
		}
		if _, isDomain := domains[dir]; !isDomain {
			continue
		}
		for name, f := range p.files {
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.TYPE {
					continue
				}
				for _, spec := range gd.Specs {
					if ts := spec.(*ast.TypeSpec); ts.Name.Name == "Store" {
						fail("%s declares an exported Store (stores are unexported; other domains use the Service)", name)
					}
				}
			}
			if readModels[name] {
				continue
			}
			for _, table := range tablesIn(f) {
				if owner := ownerOf(table); owner != "" && owner != dir {
					fail("%s: SQL names %s, a table of %s (use its Service)", name, table, owner)
				}
			}
		}
	}
	sort.Strings(broken)
	for _, b := range broken {
		t.Error(b)
	}
}

// tableRef finds the table after FROM, JOIN, INTO or UPDATE in a SQL string.
var tableRef = regexp.MustCompile("(?i)\\b(?:from|join|into|update)\\s+`?([a-z_]+)`?")

// tablesIn lists the tables the file's string literals name in SQL position.
func tablesIn(f *ast.File) []string {
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			return true
		}
		for _, m := range tableRef.FindAllStringSubmatch(s, -1) {
			out = append(out, strings.ToLower(m[1]))
		}
		return true
	})
	return out
}

// ownerOf is the domain owning table ("" for a table no domain owns).
func ownerOf(table string) string {
	for dir, tables := range domains {
		for _, t := range tables {
			if t == table {
				return dir
			}
		}
	}
	return ""
}
