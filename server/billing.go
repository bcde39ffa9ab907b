package server

import (
	"context"
	"time"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/payments"
	"github.com/ternant/ternant/server/platform/mail"
	"github.com/ternant/ternant/server/reminders"
	"github.com/ternant/ternant/server/reports"
)

// deliveryTimeout bounds the background delivery of one reminder created through the API.
const deliveryTimeout = 5 * time.Minute

// wireBilling builds the billing modules: invoices, payments (adjusting invoices under a row
// lock), reminders (delivered in the background when MAIL_HOST is set; the scheduled jobs retry
// what fails) and reports (cached in Redis under the server's key prefix).
func (s *Server) wireBilling() []httpx.Module {
	inv := invoices.NewService(s.DB)
	pay := payments.NewService(s.DB, inv)
	inv.Invalidate, pay.Invalidate = s.invalidateDashboard, s.invalidateDashboard
	// The payments list's counts are cached per company; every committed payment write drops them.
	pay.ListCache = s.listCache("payments")
	rem := &reminders.Service{DB: s.DB}
	if sender := mail.New(s.Config.Mail); sender != nil {
		d := &reminders.Deliverer{DB: s.DB, Mail: sender, Log: s.Log}
		rem.Dispatch = func(companyID, id string) {
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), deliveryTimeout)
				defer cancel()
				if _, err := d.Deliver(ctx, companyID, id); err != nil {
					s.Log.Warn("reminder delivery failed; the reminders jobs will retry it", "reminder", id, "err", err)
				}
			}()
		}
	}
	rep := reports.NewService(s.DB, s.Redis, s.KeyPrefix, reports.DefaultTTL, s.Log)
	return []httpx.Module{
		&invoices.Handler{Svc: inv}, &payments.Handler{Svc: pay}, &reminders.Handler{Svc: rem}, &reports.Handler{Svc: rep},
	}
}

// InvalidateDashboard drops the company's cached dashboard figures, for the scheduled jobs that
// `ternant serve --jobs` runs next to the server (marking invoices overdue changes them).
func (s *Server) InvalidateDashboard(ctx context.Context, companyID string) {
	s.invalidateDashboard(ctx, companyID)
}
