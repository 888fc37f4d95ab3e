package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/store"
)

// cmdPurge is the retention purge on demand. Whether a case may go is decided by the same rule
// as the daemon's retention timer (complaint.MayPurge): closed, past the limit, nothing about it
// left in the outbox. Each case is decided and purged in one transaction.
func cmdPurge(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	c, st, err := e.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	now, keep, loc := time.Now(), c.Retention.Keep, c.Organisation.Location
	// The candidates: every case received at or before the limit (the store compares
	// milliseconds strictly); the rule decides.
	ids, err := st.Expired(ctx, now.Add(-keep).Add(complaint.Precision))
	if err != nil {
		return err
	}
	purged, open, waiting := 0, 0, 0
	for _, id := range ids {
		var p complaint.Purge
		var cs complaint.Case
		err := st.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if cs, _, err = tx.Case(id); err != nil {
				return err
			}
			queued, err := tx.HasQueued(id)
			if err != nil {
				return err
			}
			p, _ = complaint.MayPurge(cs, now, keep, queued)
			if p != complaint.PurgeNow || e.dryRun {
				return nil
			}
			return tx.PurgeCase(id)
		})
		if err != nil {
			return err
		}
		switch p {
		case complaint.PurgeNow:
			purged++
			if e.dryRun {
				fmt.Fprintf(e.stdout, "would purge %s (received %s)\n", id, complaint.FormatDate(cs.ReceivedAt, "en", loc))
			} else {
				fmt.Fprintf(e.stdout, "purged %s\n", id)
			}
		case complaint.PurgeKeepOpen:
			open++
			fmt.Fprintf(e.stdout, "%s is older than the retention term but still open (%s): not deleted; close it first\n", id, cs.Status)
		case complaint.PurgeWaitMail:
			waiting++
			fmt.Fprintf(e.stdout, "%s is past the retention term but mail about it is still queued: not deleted yet; the daemon purges it once the mail is out\n", id)
		case complaint.PurgeNotYet:
			waiting++
			fmt.Fprintf(e.stdout, "%s was closed after the retention term, less than a day ago: not deleted yet; the daemon purges it a day after closing\n", id)
		}
	}
	verb := "purged"
	if e.dryRun {
		verb = "would purge"
	}
	fmt.Fprintf(e.stdout, "%s %d case(s); %d open case(s) past the term kept", verb, purged, open)
	if waiting > 0 {
		fmt.Fprintf(e.stdout, "; %d closed case(s) purged later", waiting)
	}
	fmt.Fprintln(e.stdout)
	return nil
}
