package dashboards_test

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/ternant/ternant/dashboards"
)

// The parts of Grafana's dashboard model the checks read.
type (
	datasourceRef struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	}
	target struct {
		RefID      string         `json:"refId"`
		Expr       string         `json:"expr"`
		Datasource *datasourceRef `json:"datasource"`
	}
	panelModel struct {
		ID         int                       `json:"id"`
		Type       string                    `json:"type"`
		Title      string                    `json:"title"`
		Datasource *datasourceRef            `json:"datasource"`
		GridPos    *struct{ H, W, X, Y int } `json:"gridPos"`
		Targets    []target                  `json:"targets"`
	}
	variable struct {
		Name       string         `json:"name"`
		Type       string         `json:"type"`
		Query      any            `json:"query"`
		Definition string         `json:"definition"`
		Datasource *datasourceRef `json:"datasource"`
	}
	dashboard struct {
		UID           string       `json:"uid"`
		Title         string       `json:"title"`
		SchemaVersion int          `json:"schemaVersion"`
		ID            any          `json:"id"`
		Panels        []panelModel `json:"panels"`
		Templating    struct {
			List []variable `json:"list"`
		} `json:"templating"`
	}
)

const datasourceVar = "${datasource}"

func readDashboard(t *testing.T, name string) dashboard {
	t.Helper()
	raw, err := fs.ReadFile(dashboards.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

// TestDashboardsImportIntoGrafana checks what Grafana 10+ needs to import a dashboard unchanged
// into any installation: a stable uid, no instance-specific id, a current schema, and every query
// bound to the datasource variable rather than to one installation's datasource uid.
func TestDashboardsImportIntoGrafana(t *testing.T) {
	files, _ := fs.Glob(dashboards.FS, "*.json")
	uids := map[string]string{}
	for _, f := range files {
		d := readDashboard(t, f)
		switch {
		case d.UID == "" || len(d.UID) > 40:
			t.Errorf("%s: uid %q must be set and at most 40 characters", f, d.UID)
		case uids[d.UID] != "":
			t.Errorf("%s: uid %q also used by %s", f, d.UID, uids[d.UID])
		}
		uids[d.UID] = f
		if d.Title == "" || d.SchemaVersion < 36 || d.ID != nil {
			t.Errorf("%s: title %q, schemaVersion %d, id %v; want a title, schemaVersion >= 36 (Grafana 10) and no id", f, d.Title, d.SchemaVersion, d.ID)
		}

		vars := map[string]variable{}
		for _, v := range d.Templating.List {
			vars[v.Name] = v
		}
		if ds := vars["datasource"]; ds.Type != "datasource" || ds.Query != "prometheus" {
			t.Errorf("%s: want a datasource variable of type prometheus, got %+v", f, ds)
		}
		for _, name := range []string{"namespace", "instance"} {
			v, ok := vars[name]
			if !ok || v.Datasource == nil || v.Datasource.UID != datasourceVar {
				t.Errorf("%s: want a %s variable querying %s, got %+v", f, name, datasourceVar, v)
			}
		}

		ids := map[int]bool{}
		for _, p := range d.Panels {
			if ids[p.ID] {
				t.Errorf("%s: panel id %d used twice", f, p.ID)
			}
			ids[p.ID] = true
			if p.GridPos == nil || p.GridPos.W < 1 || p.GridPos.X+p.GridPos.W > 24 || p.GridPos.H < 1 {
				t.Errorf("%s: panel %q has no valid gridPos", f, p.Title)
			}
			if p.Type == "row" {
				continue
			}
			if p.Datasource == nil || p.Datasource.UID != datasourceVar || p.Datasource.Type != "prometheus" {
				t.Errorf("%s: panel %q datasource %+v, want {prometheus %s}", f, p.Title, p.Datasource, datasourceVar)
			}
			if len(p.Targets) == 0 {
				t.Errorf("%s: panel %q has no query", f, p.Title)
			}
			for _, tg := range p.Targets {
				if tg.Datasource != nil && tg.Datasource.UID != datasourceVar {
					t.Errorf("%s: panel %q query %s datasource uid %q, want %s", f, p.Title, tg.RefID, tg.Datasource.UID, datasourceVar)
				}
				for _, v := range []string{`namespace=~"$namespace"`, `instance=~"$instance"`} {
					if !strings.Contains(tg.Expr, v) {
						t.Errorf("%s: panel %q query %s ignores the %s filter: %s", f, p.Title, tg.RefID, v, tg.Expr)
					}
				}
			}
		}
		checkNoHardCodedDatasource(t, f)
	}
}

// checkNoHardCodedDatasource walks the whole JSON: every datasource uid is the variable (or
// Grafana's built-in annotation source, which exists in every installation).
func checkNoHardCodedDatasource(t *testing.T, file string) {
	raw, _ := fs.ReadFile(dashboards.FS, file)
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ds, ok := x["datasource"].(map[string]any); ok {
				uid, _ := ds["uid"].(string)
				if uid != datasourceVar && uid != "-- Grafana --" {
					t.Errorf("%s: %s: hard-coded datasource uid %q", file, path, uid)
				}
			}
			if s, ok := x["datasource"].(string); ok && s != datasourceVar {
				t.Errorf("%s: %s: datasource named %q", file, path, s)
			}
			for k, c := range x {
				walk(path+"."+k, c)
			}
		case []any:
			for _, c := range x {
				walk(path+"[]", c)
			}
		}
	}
	walk("$", tree)
}
