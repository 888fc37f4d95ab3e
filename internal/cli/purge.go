package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/groeimeesters/klachtd/internal/store"
)

func cmdPurge(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	c, st, err := e.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ids, err := st.Expired(ctx, time.Now().Add(-c.Retention.Keep))
	if err != nil {
		return err
	}
	purged, open := 0, 0
	for _, id := range ids {
		cs, _, err := st.Case(ctx, id)
		if err != nil {
			return err
		}
		if cs.Status.IsOpen() {
			open++
			fmt.Fprintf(e.stdout, "%s is older than the retention term but still open (%s): not deleted; close it first\n", id, cs.Status)
			continue
		}
		if e.dryRun {
			fmt.Fprintf(e.stdout, "would purge %s (received %s)\n", id, cs.ReceivedAt.Format("2006-01-02"))
			purged++
			continue
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.PurgeCase(id) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "purged %s\n", id)
		purged++
	}
	verb := "purged"
	if e.dryRun {
		verb = "would purge"
	}
	fmt.Fprintf(e.stdout, "%s %d case(s); %d open case(s) past the term kept\n", verb, purged, open)
	return nil
}
