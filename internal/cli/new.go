package cli

import (
	"context"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"

	kd "github.com/groeimeesters/klachtd/internal/daemon"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/form"
)

func cmdNew(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	if e.eml == "" && (e.name == "" || (e.text == "" && e.email == "" && e.phone == "")) {
		return usageError{"give --eml FILE, or at least --name and one of --email, --phone, --text"}
	}
	email := e.email
	if email != "" {
		a, err := mail.ParseAddress(email)
		if err != nil {
			return usageError{fmt.Sprintf("--email %q is not an e-mail address such as jan@example.nl", e.email)}
		}
		email = a.Address
	}
	c, st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := e.newDaemon(c, st)
	if err != nil {
		return err
	}
	var raw []byte
	if e.eml != "" {
		if raw, err = os.ReadFile(e.eml); err != nil {
			return failf("read %s: %v", e.eml, err)
		}
	}
	text := e.text
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(os.Stdin, 10<<20))
		if err != nil {
			return failf("read the complaint from standard input: %v", err)
		}
		text = string(b)
	}
	fields := complaint.Fields{complaint.FieldNaam: e.name, complaint.FieldOmschrijving: text, complaint.FieldDienst: e.service}
	id, err := d.Register(ctx, kd.Registration{Name: e.name, Email: email, Phone: e.phone, Text: text,
		Via: "cli", By: os.Getenv("USER"), Fields: fields}, raw)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s registered; the confirmation is queued and goes out with the running daemon.\n", id)
	if _, ok := form.MatchService(e.service, c.Complaints.Services); e.service != "" && !ok {
		known := "none are configured"
		if len(c.Complaints.Services) > 0 {
			known = "they are: " + strings.Join(c.Complaints.Services, ", ")
		}
		fmt.Fprintf(e.stderr, "warning: --service %q is not one of the services in [complaints] services (%s): it is kept as the form's answer, but the case counts as without a service in the report; `klachtd show %s` shows it\n",
			e.service, known, id)
	}
	return nil
}
