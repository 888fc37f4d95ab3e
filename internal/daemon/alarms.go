package daemon

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/clean"
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
)

// Alarm kinds: the values of render.Data.Notice for the storing template.
const (
	AlarmOAuth2Refused = "oauth2-refused" // the token server refuses the grant
	AlarmIMAPLogin     = "imap-login"     // the intake has not logged in for LoginAlarmAfter
	AlarmRefreshExpiry = "refresh-expiry" // the refresh token ends within warn_before
	AlarmSecretExpiry  = "secret-expiry"  // the client secret ends within warn_before
)

// Defaults of the alarm watcher.
const (
	defaultLoginAlarmAfter = time.Hour
	alarmPoll              = 10 * time.Second
)

// alarm is one alarm as the watcher sees it: whether it holds and what to say.
type alarm struct {
	kind   string
	holds  bool
	detail string // what happened
	mend   string // the one thing that mends it
	term   time.Time
}

// Words is the sentence of the systemd status line and of `klachtd check`.
func (a alarm) words() string { return a.detail + ". To mend it: " + a.mend }

// watchAlarms raises and clears the alarms about the mailbox itself until ctx is done: at once
// when the token manager changes, else every alarmPoll. Raising one logs it at error level, puts
// it on the systemd status line and mails staff (once per episode, kept in the alarms table; the
// mail may take the [alarm_smtp] route); clearing it logs and restores the status line.
func (d *Daemon) watchAlarms(ctx context.Context) error {
	start := d.clock.Now()
	held := map[string]bool{}
	for {
		var changed <-chan struct{}
		if d.tokens != nil {
			changed = d.tokens.Changed()
		}
		list := d.alarms(start)
		for _, a := range list {
			if a.holds == held[a.kind] {
				continue
			}
			if err := d.setAlarm(ctx, a); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				d.log.Error("record alarm", "alarm", a.kind, "err", err)
				continue
			}
			held[a.kind] = a.holds
		}
		d.statusLine(list, held)
		t := time.NewTimer(alarmPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

// alarms evaluates every alarm now.
func (d *Daemon) alarms(start time.Time) []alarm {
	now := d.clock.Now()
	var out []alarm
	refused := false
	flag := d.configFlag()
	if d.tokens != nil {
		st := d.tokens.Status()
		a := alarm{kind: AlarmOAuth2Refused, holds: st.Refused != nil}
		if st.Refused != nil {
			refused = true
			a.detail, a.mend = st.Refused.What, st.Refused.Mend
		}
		out = append(out, a)
		warn := d.cfg.OAuth2.WarnBefore
		r := alarm{kind: AlarmRefreshExpiry, term: st.RefreshExpires,
			holds: !st.RefreshExpires.IsZero() && !refused && !now.Before(st.RefreshExpires.Add(-warn))}
		r.detail = "the OAuth2 server said klachtd's refresh token ends on " + complaint.FormatDateTime(st.RefreshExpires, "en", d.cfg.Organisation.Location)
		r.mend = "sign in again before then: klachtd oauth2 login" + flag
		out = append(out, r)
		s := alarm{kind: AlarmSecretExpiry, term: d.cfg.OAuth2.SecretExpires,
			holds: !d.cfg.OAuth2.SecretExpires.IsZero() && !now.Before(d.cfg.OAuth2.SecretExpires.Add(-warn))}
		s.detail = "the client secret ends on " + complaint.FormatDate(d.cfg.OAuth2.SecretExpires, "en", d.cfg.Organisation.Location) + " (oauth2.client_secret_expires)"
		s.mend = "create a new client secret in the app registration, put it in " + orKey(d.cfg.OAuth2.ClientSecretFile, "oauth2.client_secret_file") +
			", set oauth2.client_secret_expires to its new end and restart klachtd (docs/oauth2.md)"
		out = append(out, s)
	}
	is := d.intake.Stats()
	since := start
	if is.LastLogin.After(since) {
		since = is.LastLogin
	}
	l := alarm{kind: AlarmIMAPLogin, holds: !refused && is.LoginError != "" && now.Sub(since) >= d.loginAlarmAfter}
	l.detail = fmt.Sprintf("klachtd has not logged in to %s since %s: %s", d.cfg.IMAP.Host,
		complaint.FormatDateTime(since, "en", d.cfg.Organisation.Location), oneLine(is.LoginError))
	l.mend = "run klachtd check" + flag + " and mend what it reports (the server, the account or its password or token)"
	return append(out, l)
}

func orKey(v, key string) string {
	if v == "" {
		return key
	}
	return v
}

// setAlarm records a change of an alarm, and mails staff when it is newly raised.
func (d *Daemon) setAlarm(ctx context.Context, a alarm) error {
	now := d.clock.Now()
	if !a.holds {
		err := d.inTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ClearAlarm(a.kind, now)
			return err
		})
		if err == nil {
			d.log.Info("alarm cleared", "alarm", a.kind)
		}
		return err
	}
	d.log.Error("alarm: "+a.detail, "alarm", a.kind, "mend", a.mend)
	return d.inTx(ctx, func(tx *store.Tx) error {
		raised, err := tx.RaiseAlarm(a.kind, a.words(), now)
		if err != nil || !raised {
			return err // already raised before a restart: staff have the mail
		}
		term := ""
		if !a.term.IsZero() {
			term = complaint.FormatDate(a.term, d.cfg.Organisation.Language, d.cfg.Organisation.Location)
		}
		_, err = d.queue(tx, nil, "", outMail{template: render.KindStoring, to: d.staffAddrs(), audience: audStaff,
			data: render.Data{Notice: a.kind, Detail: a.detail, StaffText: a.mend, Term: term}}, now)
		return err
	})
}

// statusLine shows the first alarm that holds on the systemd status line, or that all is well.
func (d *Daemon) statusLine(list []alarm, held map[string]bool) {
	line := "running"
	for _, a := range list {
		if held[a.kind] && a.holds {
			line = "ALARM: " + a.words()
			break
		}
	}
	if line == d.lastStatus {
		return
	}
	d.lastStatus = line
	d.notify("STATUS=" + oneLine(line))
}

func (d *Daemon) configFlag() string {
	if d.configPath == "" {
		return ""
	}
	return " --config " + d.configPath
}

// oneLine makes text fit one line of a log or status: no line breaks, control characters or
// bidi overrides (a server's error text is the server's words), white space collapsed.
func oneLine(s string) string {
	return strings.Join(strings.Fields(clean.Line(s)), " ")
}
