package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/platform/mail"
)

func TestSendPlainAndHTML(t *testing.T) {
	sink := billingtest.NewSMTPSink(t)
	s := mail.New(config.Mail{Host: sink.Host, Port: sink.Port, From: "Ternant <billing@ternant.test>"})
	err := s.Send(context.Background(), mail.Message{To: "amina@example.com", Subject: "Rent due — March",
		Text: "Dear Amina,\nyour rent is due.", HTML: "<p>Dear Amina,</p><p>your rent is due.</p>"})
	if err != nil {
		t.Fatal(err)
	}
	got := sink.Received()
	if len(got) != 1 || got[0].From != "billing@ternant.test" || got[0].To[0] != "amina@example.com" {
		t.Fatalf("received %+v", got)
	}
	for _, want := range []string{"multipart/alternative", "text/plain; charset=utf-8", "text/html; charset=utf-8",
		"<p>Dear Amina,</p>", "Subject: =?utf-8?q?Rent_due_=E2=80=94_March?="} {
		if !strings.Contains(got[0].Data, want) {
			t.Errorf("message lacks %q:\n%s", want, got[0].Data)
		}
	}
}

func TestSendReportsTheServersRefusal(t *testing.T) {
	sink := billingtest.NewSMTPSink(t)
	sink.FailAll(true)
	s := mail.New(config.Mail{Host: sink.Host, Port: sink.Port, From: "billing@ternant.test"})
	err := s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "x", Text: "x", HTML: "x"})
	if err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("error %v, want the 451 reply", err)
	}
	if mail.New(config.Mail{}) != nil {
		t.Fatal("a sender without a host should be nil")
	}
	var none *mail.SMTP
	if err := none.Send(context.Background(), mail.Message{}); err != mail.ErrNotConfigured {
		t.Fatalf("nil sender: %v", err)
	}
}
