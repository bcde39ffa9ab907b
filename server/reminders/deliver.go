package reminders

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"strings"
	"time"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/mail"
)

// Deliverer emails reminders. Each attempt locks the reminder's row, so two deliverers never send
// the same reminder twice; a failed attempt is written to the row (FAILED, retryCount + 1,
// errorMessage) before the next one, so a crash loses nothing.
type Deliverer struct {
	DB   *db.DB
	Mail mail.Sender
	Log  *slog.Logger
	// Attempts is how many times one Deliver call tries (3 when zero).
	Attempts int
	// Backoff is the wait before the second attempt; it doubles after each failure (2 s when zero).
	Backoff time.Duration
	// MaxRetries is how many failed attempts a reminder may accumulate before the queue stops
	// picking it up (10 when zero). It stays FAILED, with its last error, for a person to look at.
	MaxRetries int

	store store
}

func (d *Deliverer) attempts() int   { return orDefault(d.Attempts, 3) }
func (d *Deliverer) maxRetries() int { return orDefault(d.MaxRetries, 10) }

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// Outcome is what a delivery run did.
type Outcome struct {
	Sent   int `json:"sent"`
	Failed int `json:"failed"`
}

// Deliver tries to send one reminder, retrying with exponential backoff. It reports whether the
// reminder is sent (by this call or an earlier one). A reminder another deliverer is sending, or
// one without a configured mail server, is left alone.
func (d *Deliverer) Deliver(ctx context.Context, companyID, id string) (bool, error) {
	if d.Mail == nil {
		return false, nil
	}
	wait := d.Backoff
	if wait <= 0 {
		wait = 2 * time.Second
	}
	for attempt := 1; attempt <= d.attempts(); attempt++ {
		if attempt > 1 {
			select {
			case <-ctx.Done():
				return false, ctx.Err()
			case <-time.After(wait):
			}
			wait *= 2
		}
		done, sent, err := d.attempt(ctx, companyID, id)
		if err != nil {
			return false, err
		}
		if done {
			return sent, nil
		}
	}
	if d.Log != nil {
		d.Log.WarnContext(ctx, "reminder delivery failed, left for a later retry", "reminder", id, "company", companyID)
	}
	return false, nil
}

// attempt makes one delivery attempt under the row lock. done is true when nothing more is to be
// done now (sent, or not deliverable); sent says whether the reminder is sent.
func (d *Deliverer) attempt(ctx context.Context, companyID, id string) (done, sent bool, err error) {
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		done, sent = false, false
		r, err := d.store.Claim(ctx, tx, companyID, id)
		if errors.Is(err, db.ErrNotFound) {
			done = true
			return nil
		}
		if err != nil {
			return err
		}
		if r.Status == Sent {
			done, sent = true, true
			return nil
		}
		if !r.IsActive || r.RetryCount >= d.maxRetries() {
			done = true
			return nil
		}
		now := dbtypes.Now()
		r.UpdatedAt = now
		if sendErr := d.Mail.Send(ctx, messageOf(r)); sendErr != nil {
			msg := truncate(sendErr.Error(), 1000)
			r.Status, r.ErrorMessage = Failed, &msg
			r.RetryCount++
			return d.store.Update(ctx, tx, r)
		}
		r.Status, r.SentAt, r.ErrorMessage = Sent, &now, nil
		done, sent = true, true
		return d.store.Update(ctx, tx, r)
	})
	if err != nil {
		return false, false, fmt.Errorf("deliver reminder %s: %w", id, err)
	}
	return done, sent, nil
}

// DeliverDue sends every reminder waiting in the queue (pending, or failed with retries left)
// whose time has come, across companies, at most limit of them.
func (d *Deliverer) DeliverDue(ctx context.Context, limit int) (Outcome, error) {
	var out Outcome
	if d.Mail == nil {
		return out, nil
	}
	refs, err := d.store.Due(ctx, d.DB, d.maxRetries(), limit)
	if err != nil {
		return out, err
	}
	for _, ref := range refs {
		sent, err := d.Deliver(ctx, ref.CompanyID, ref.ID)
		if err != nil {
			return out, err
		}
		if sent {
			out.Sent++
		} else {
			out.Failed++
		}
	}
	return out, nil
}

// messageOf renders a reminder as an email: its message as the plain-text part and as simple,
// escaped HTML.
func messageOf(r *Reminder) mail.Message {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">`)
	for _, para := range strings.Split(r.Message, "\n\n") {
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>"))
		b.WriteString("</p>")
	}
	b.WriteString(`</body></html>`)
	return mail.Message{To: r.Recipient, Subject: r.Subject, Text: r.Message, HTML: b.String()}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
