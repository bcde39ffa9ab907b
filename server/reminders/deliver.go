package reminders

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/mail"
)

// Deliverer emails reminders. Each attempt claims the reminder in a transaction of its own, sends
// the mail with no transaction open, and records the outcome in a second transaction, so two
// deliverers never send the same reminder at once, a replayed or failed transaction never sends
// twice, and no row lock or pooled connection waits on the mail server. A failed attempt is
// written to the row (FAILED, retryCount + 1, errorMessage) before the next one, so a crash loses
// nothing.
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
	// afterClaim and afterRecord, when set, run at the end of the claim and record transactions
	// (tests cut the connection or inject a deadlock there).
	afterClaim, afterRecord func(tx *db.Tx) error
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

// claimLease is how long a claimed reminder is left alone by the other deliverers while its
// mail is sent. A deliverer that dies mid-send leaves the claim to expire; the reminder is then
// due again (the interrupted attempt counts as a failed one).
const claimLease = 5 * time.Minute

// claimPrefix starts the errorMessage of a claimed reminder; the rest is the claim's token.
const claimPrefix = "delivery in progress: "

// claim is a reminder claimed for one send: its row as it was, and what the claim wrote.
type claim struct {
	r          *Reminder
	token      string
	scheduled  *dbtypes.Time // scheduledFor before the claim
	leaseUntil dbtypes.Time
}

// attempt makes one delivery attempt in three steps, so that no transaction is open while the
// mail server is talked to: the reminder is claimed in one transaction, sent with none open, and
// the outcome recorded in a second one. A claim that fails to commit sends nothing; a replayed
// transaction (db.InTx replays on deadlocks) can neither send again nor lose the outcome. done is
// true when nothing more is to be done now (sent, or not deliverable); sent says whether the
// reminder is sent.
func (d *Deliverer) attempt(ctx context.Context, companyID, id string) (done, sent bool, err error) {
	c, done, sent, err := d.claim(ctx, companyID, id)
	if err != nil || done {
		return done, sent, err
	}
	sendErr := d.Mail.Send(ctx, messageOf(c.r))
	if err := d.record(ctx, c, sendErr); err != nil {
		return false, false, err
	}
	return sendErr == nil, sendErr == nil, nil
}

// claim locks the reminder and, when it is deliverable and nobody else holds it, marks it claimed:
// a token in errorMessage, scheduledFor moved past the lease (so the queue skips it) and the
// attempt counted in retryCount (so a deliverer that dies mid-send still uses up a retry).
func (d *Deliverer) claim(ctx context.Context, companyID, id string) (c *claim, done, sent bool, err error) {
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		c, done, sent = nil, false, false
		r, err := d.store.Claim(ctx, tx, companyID, id)
		if errors.Is(err, db.ErrNotFound) {
			done = true // another deliverer holds the row lock right now
			return nil
		}
		if err != nil {
			return err
		}
		now := dbtypes.Now()
		switch {
		case r.Status == Sent:
			done, sent = true, true
			return nil
		case !r.IsActive || r.RetryCount >= d.maxRetries():
			done = true
			return nil
		case claimed(r) && r.ScheduledFor != nil && r.ScheduledFor.After(now.Time):
			done = true // claimed by a deliverer that is sending it
			return nil
		}
		next := &claim{r: r, token: uuid.Must(uuid.NewV7()).String(), leaseUntil: dbtypes.Time{Time: now.Add(claimLease).Truncate(time.Second)}}
		next.scheduled = r.ScheduledFor
		if claimed(r) {
			next.scheduled = nil // the previous claim's lease, not a schedule: an interrupted send
		}
		mark := claimPrefix + next.token
		claimedRow := *r
		claimedRow.ErrorMessage, claimedRow.ScheduledFor = &mark, &next.leaseUntil
		claimedRow.RetryCount++
		claimedRow.UpdatedAt = now
		if err := d.store.Update(ctx, tx, &claimedRow); err != nil {
			return err
		}
		if d.afterClaim != nil {
			if err := d.afterClaim(tx); err != nil {
				return err
			}
		}
		c = next
		return nil
	})
	if err != nil {
		return nil, false, false, fmt.Errorf("claim reminder %s: %w", id, err)
	}
	return c, done, sent, nil
}

// claimed reports whether r carries a delivery claim.
func claimed(r *Reminder) bool {
	return r.ErrorMessage != nil && strings.HasPrefix(*r.ErrorMessage, claimPrefix)
}

// record writes the outcome of a send: SENT (retryCount back to what it was before the claim), or
// FAILED with the error (the claim's retry counted). scheduledFor gets its value back unless
// someone changed it meanwhile. A send that succeeded is recorded even when the claim was taken
// over after its lease ran out: the mail went out.
func (d *Deliverer) record(ctx context.Context, c *claim, sendErr error) error {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := d.store.Lock(ctx, tx, c.r.CompanyID, c.r.ID)
		if errors.Is(err, db.ErrNotFound) {
			return nil // deleted while it was being sent
		}
		if err != nil {
			return err
		}
		ours := r.ErrorMessage != nil && *r.ErrorMessage == claimPrefix+c.token
		if !ours && sendErr != nil {
			return nil // the claim was taken over; its new holder records its own attempt
		}
		if r.ScheduledFor != nil && r.ScheduledFor.Equal(c.leaseUntil.Time) {
			r.ScheduledFor = c.scheduled
		}
		now := dbtypes.Now()
		r.UpdatedAt = now
		if sendErr != nil {
			msg := truncate(sendErr.Error(), 1000)
			r.Status, r.ErrorMessage = Failed, &msg
		} else {
			r.Status, r.SentAt, r.ErrorMessage = Sent, &now, nil
			if ours {
				r.RetryCount--
			}
		}
		if err := d.store.Update(ctx, tx, r); err != nil {
			return err
		}
		if d.afterRecord != nil {
			return d.afterRecord(tx)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record delivery of reminder %s: %w", c.r.ID, err)
	}
	return nil
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
