package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

func TestJobsCommandUsage(t *testing.T) {
	cases := []struct {
		args  []string
		code  int
		errIn string
	}{
		{[]string{"jobs"}, 2, "want exactly one job"},
		{[]string{"jobs", "dance"}, 2, `unknown job "dance"`},
		{[]string{"jobs", "mark-overdue", "extra"}, 2, "want exactly one job"},
		{[]string{"jobs", "--due-soon-days", "-1", "reminders-due-soon"}, 2, "must not be negative"},
	}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != tc.code || !strings.Contains(errb.String(), tc.errIn) {
			t.Errorf("%v: exit %d stderr %q, want %d %q", tc.args, code, errb.String(), tc.code, tc.errIn)
		}
	}
	t.Setenv("DB_DSN", "")
	t.Setenv("DATABASE_HOST", "")
	var out, errb bytes.Buffer
	if code := run([]string{"jobs", "mark-overdue"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "no database configured") {
		t.Errorf("without a database: exit %d stderr %q", code, errb.String())
	}
}

func TestJobsCommandMarksOverdueOnce(t *testing.T) {
	d, dsn := billingtest.OpenDSN(t, 4)
	company := billingtest.Company(t, d)
	l := billingtest.NewLease(t, d, company, money.MustParse("500"), dbtypes.NewDate(2020, 1, 1), dbtypes.NewDate(2030, 12, 31))
	id := billingtest.Invoice(t, d, l, "INV-CLI-1", money.MustParse("500"), 0, "sent", dbtypes.NewDate(2020, 2, 1), dbtypes.NewDate(2020, 2, 5))
	t.Setenv("DB_DSN", dsn)
	t.Setenv("LOG_LEVEL", "error")
	for i, want := range []string{`"marked":1`, `{"job":"mark-overdue","skipped":false}`} {
		var out, errb bytes.Buffer
		if code := run([]string{"jobs", "mark-overdue"}, &out, &errb); code != 0 || !strings.Contains(out.String(), want) {
			t.Fatalf("run %d: exit %d stdout %q stderr %q, want %s", i+1, code, out.String(), errb.String(), want)
		}
	}
	var status string
	if err := d.Get(context.Background(), &status, `SELECT status FROM invoices WHERE id = ?`, id); err != nil || status != "overdue" {
		t.Fatalf("status %q %v", status, err)
	}
}
