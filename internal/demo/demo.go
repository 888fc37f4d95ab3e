// Package demo runs klachtd's whole flow on this machine alone, for a first look: go-imap's
// in-memory IMAP server and an SMTP receiver on loopback, a temporary database, sample
// complaints dropped into the mailbox, the real daemon working on them, a staff reply with a
// tag, and a printout of the cases and of the folder where every outgoing mail lands.
package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/mail"

	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/memimap"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
)

// Options of a demo run.
type Options struct {
	// Dir is where the database, the outgoing mail and a config.toml for the read-only
	// commands go; "" = a temporary folder, removed after.
	Dir  string
	Exit bool          // stop after the flow instead of waiting for Ctrl-C
	Wait time.Duration // how long to wait for each step (default 20s)
	Out  io.Writer
	// Log receives the daemon's log; nil = the demo prints each thing the daemon does as it
	// happens instead (mail in and what it was taken for, case registered, mail out and to
	// whom, command carried out or refused).
	Log io.Writer
	// Executable reads attached documents (daemon.Options.Executable): the klachtd binary.
	Executable string
}

const (
	imapUser  = "info@intervisie-begeleiding.nl"
	imapPass  = "demo"
	staffAddr = "milou@intervisie-begeleiding.nl"
)

// Run runs the demo until ctx is done (or after the flow, with Exit).
func Run(ctx context.Context, o Options) error {
	if o.Wait == 0 {
		o.Wait = 20 * time.Second
	}
	out := &lockedWriter{w: o.Out}
	dir := o.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "klachtd-demo-")
		if err != nil {
			return fmt.Errorf("create demo folder: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create demo folder: %w", err)
	}
	imapSrv, err := memimap.Start(imapUser, imapPass)
	if err != nil {
		return err
	}
	defer imapSrv.Close()
	outDir := filepath.Join(dir, "outbox")
	smtpSrv, err := startSMTP(outDir)
	if err != nil {
		return err
	}
	defer smtpSrv.Close()

	cfg, err := demoConfig(imapSrv.Addr, smtpSrv.addr, filepath.Join(dir, "klachtd.db"))
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.Storage.Path)
	if err != nil {
		return err
	}
	defer st.Close()
	rnd, err := render.New(klachtd.Templates, "")
	if err != nil {
		return err
	}
	logw := o.Log
	var observe func(daemon.Observation)
	if logw == nil {
		logw = io.Discard
		observe = func(ob daemon.Observation) { printEvent(out, ob, cfg.Organisation.Location) }
	}
	d, err := daemon.New(daemon.Options{Config: cfg, Store: st, Renderer: rnd, Observe: observe, Executable: o.Executable,
		Log: slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		return err
	}
	var cfgPath string
	if o.Dir != "" {
		if cfgPath, err = writeConfig(dir, cfg); err != nil {
			return err
		}
	}

	fmt.Fprintf(out, "klachtd demo: everything runs on this machine; no mail leaves it.\n\n")
	fmt.Fprintf(out, "  IMAP      %s  user %s  password %s  (plain, no TLS: drop in mail with your own client)\n", imapSrv.Addr, imapUser, imapPass)
	keep := ""
	if o.Dir == "" {
		keep = " (removed when the demo stops; --keep DIR keeps it)"
	}
	fmt.Fprintf(out, "  SMTP      %s  every outgoing mail lands in %s%s\n", smtpSrv.addr, outDir, keep)
	fmt.Fprintf(out, "  database  %s\n", cfg.Storage.Path)
	if cfgPath != "" {
		fmt.Fprintf(out, "  config    %s (for klachtd list, show, report, export)\n", cfgPath)
	}
	fmt.Fprintf(out, "  staff     %s (tags in the subject of a reply are commands)\n\n", staffAddr)

	samples, err := fs.Glob(klachtd.Samples, "testdata/mail/*.eml")
	if err != nil {
		return err
	}
	c, err := dial(imapSrv.Addr)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, name := range samples {
		raw, _ := klachtd.Samples.ReadFile(name)
		if err := appendMail(c, raw); err != nil {
			return err
		}
		fmt.Fprintf(out, "  dropped %s into INBOX\n", filepath.Base(name))
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	if observe != nil {
		fmt.Fprintf(out, "\nklachtd starts; what it does, as it happens:\n\n")
	}
	go func() { done <- d.Run(runCtx) }()

	complaints := len(samples) - 1 // gewone-mail.eml is no complaint
	// Each complaint: a confirmation and a notice to staff.
	if err := waitFor(ctx, o.Wait, func() bool { return len(smtpSrv.received()) >= 2*complaints }); err != nil {
		return fmt.Errorf("waiting for the confirmations: %w (see the log with --log)", err)
	}
	fmt.Fprintf(out, "\nklachtd registered and confirmed the complaints:\n\n")
	printCases(ctx, out, st, cfg)

	cases, _ := st.Cases(ctx, "")
	if len(cases) > 0 {
		first := cases[len(cases)-1]
		before := len(smtpSrv.received())
		reply := staffReply(first.ID, cfg)
		if err := appendMail(c, reply); err != nil {
			return err
		}
		fmt.Fprintf(out, "\n%s replies on %s with [in-behandeling] in the subject …\n", staffAddr, first.ID)
		if err := waitFor(ctx, o.Wait, func() bool { return len(smtpSrv.received()) >= before+2 }); err != nil {
			return fmt.Errorf("waiting for the staff command: %w", err)
		}
		printCases(ctx, out, st, cfg)
	}
	fmt.Fprintf(out, "\nOutgoing mail (%s):\n", outDir)
	for _, m := range smtpSrv.received() {
		fmt.Fprintf(out, "  %s  to %-34s %s\n", filepath.Base(m.File), strings.Join(m.To, ", "), subjectOf(m.Raw))
	}
	fmt.Fprintf(out, "\nMailbox now:\n")
	for _, box := range []string{cfg.IMAP.Mailbox, cfg.IMAP.Processed} {
		msgs, err := listBox(c, box)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %-8s %s\n", box, messages(len(msgs)))
		for _, m := range msgs {
			fmt.Fprintf(out, "           %-52s flags %s\n", m.subject, m.flags)
		}
	}
	if cfgPath != "" {
		fmt.Fprintf(out, "\nThe cases stay in %s; look at them with:\n\n", dir)
		for _, c := range []string{"list", "show " + firstCase(ctx, st), "report --period " + currentPeriod(cfg), "export " + firstCase(ctx, st) + " --out " + filepath.Join(dir, "export")} {
			fmt.Fprintf(out, "  klachtd %s --config %s\n", c, cfgPath)
		}
	}
	if o.Exit {
		cancel()
		return <-done
	}
	fmt.Fprintf(out, "\nklachtd keeps running: mail a complaint to %s via the IMAP login above, or reply with a tag.\nPress Ctrl-C to stop.\n", imapUser)
	select {
	case <-ctx.Done():
		cancel()
		err := <-done
		fmt.Fprintln(out, "\nstopped.")
		return err
	case err := <-done:
		return err
	}
}

func demoConfig(imapAddr, smtpAddr, dbPath string) (*config.Config, error) {
	ih, ip, _ := net.SplitHostPort(imapAddr)
	sh, sp, _ := net.SplitHostPort(smtpAddr)
	iport, _ := strconv.Atoi(ip)
	sport, _ := strconv.Atoi(sp)
	c := config.Default()
	c.Organisation.Name, c.Organisation.Address = "Groeimeesters", imapUser
	c.Organisation.Phone, c.Organisation.Officer = "06 58949869", "Milou Meijer"
	c.IMAP.Host, c.IMAP.Port, c.IMAP.TLS, c.IMAP.Username, c.IMAP.Password = ih, iport, config.TLSNone, imapUser, imapPass
	c.IMAP.PollInterval = 2 * time.Second
	c.IMAP.Backfill = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) // the samples are older than the start
	c.SMTP.Host, c.SMTP.Port, c.SMTP.TLS = sh, sport, config.TLSNone
	c.Staff.Addresses, c.Staff.Notify = []string{staffAddr}, []string{staffAddr}
	c.Staff.Authentication = config.AuthenticationNone
	c.Commissaris.Name, c.Commissaris.Email = "Kathleen Naber", "info@ivak.nl"
	c.Complaints.Services = []string{"intervisie-begeleiding", "(in company) training", "online cursus"}
	c.Report.Recipients = []string{staffAddr}
	c.Storage.Path = dbPath
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("demo configuration: %w", err)
	}
	return c, nil
}

func dial(addr string) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		return nil, fmt.Errorf("connect to the demo IMAP server: %w", err)
	}
	if err := c.Login(imapUser, imapPass).Wait(); err != nil {
		return nil, fmt.Errorf("log in to the demo IMAP server: %w", err)
	}
	return c, nil
}

func appendMail(c *imapclient.Client, raw []byte) error {
	cmd := c.Append("INBOX", int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		return fmt.Errorf("append: %w", err)
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("append: %w", err)
	}
	if _, err := cmd.Wait(); err != nil {
		return fmt.Errorf("append: %w", err)
	}
	return nil
}

// staffReply is what Milou's mail client sends when she answers a case with a tag.
func staffReply(caseID string, cfg *config.Config) []byte {
	now := time.Now()
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Milou Meijer <%s>\r\nTo: %s\r\nSubject: RE: [%s] Nieuwe klacht [in-behandeling]\r\n", staffAddr, cfg.Organisation.Address, caseID)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <demo-%d@intervisie-begeleiding.nl>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", now.Format(time.RFC1123Z), now.UnixNano())
	b.WriteString("Ik heb de begeleider gevraagd om een toelichting; u hoort binnen een week van mij.\r\n\r\nMet vriendelijke groet,\r\nMilou Meijer\r\n\r\nVan: info@intervisie-begeleiding.nl\r\nVerzonden: vandaag\r\nOnderwerp: [" + caseID + "] Nieuwe klacht\r\n\r\n> oude tekst\r\n")
	return b.Bytes()
}

func waitFor(ctx context.Context, limit time.Duration, cond func() bool) error {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing after %s", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

func printCases(ctx context.Context, out io.Writer, st *store.Store, cfg *config.Config) {
	cases, err := st.Cases(ctx, "")
	if err != nil {
		fmt.Fprintf(out, "  (cannot list cases: %v)\n", err)
		return
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].ID < cases[j].ID })
	loc := cfg.Organisation.Location
	var buf bytes.Buffer // one write: the daemon may print an event meanwhile
	defer func() { out.Write(buf.Bytes()) }()
	w := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "  CASE\tSTATUS\tCOMPLAINANT\tSERVICE\tDUE\tMISSING")
	for _, c := range cases {
		missing := c.Missing()
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Status, c.Email, dash(c.Service),
			complaint.FormatDate(c.DueAt, "nl", loc), dash(strings.Join(missing, ", ")))
	}
	w.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func subjectOf(raw []byte) string {
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return "?"
	}
	s, _ := r.Header.Subject()
	return s
}

type boxMessage struct{ subject, flags string }

// listBox shows what a person would see in a folder: subjects and flags.
func listBox(c *imapclient.Client, box string) ([]boxMessage, error) {
	sel, err := c.Select(box, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("select %s: %w", box, err)
	}
	if sel.NumMessages == 0 {
		return nil, nil
	}
	var all imap.SeqSet
	all.AddRange(1, sel.NumMessages)
	msgs, err := c.Fetch(all, &imap.FetchOptions{Flags: true, Envelope: true}).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", box, err)
	}
	var out []boxMessage
	for _, m := range msgs {
		flags := "(none)"
		if len(m.Flags) > 0 {
			var fs []string
			for _, f := range m.Flags {
				fs = append(fs, string(f))
			}
			flags = strings.Join(fs, " ")
		}
		subj := ""
		if m.Envelope != nil {
			subj = m.Envelope.Subject
		}
		out = append(out, boxMessage{subject: subj, flags: flags})
	}
	return out, nil
}
