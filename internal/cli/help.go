package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// cmdHelp is `klachtd help tags`: the staff tag card, the very text the new-complaint mail to
// staff carries (the "tags" partial of the templates: one home for the list), in the
// organisation's language and with its commissaris when a configuration is found.
func cmdHelp(ctx context.Context, e *env) error {
	if len(e.args) != 1 || e.args[0] != "tags" {
		return usageError{"klachtd help tags prints the staff tags; klachtd help lists the commands"}
	}
	var c *config.Config
	if _, err := os.Stat(e.configPath); errors.Is(err, fs.ErrNotExist) {
		c = config.Default() // no configuration here: the card in Dutch, without names
	} else if c, err = e.readConfig(); err != nil {
		return err
	}
	r, err := render.New(klachtd.Templates, c.Templates.Dir)
	if err != nil {
		return failf("templates: %v", err)
	}
	d := render.Data{Commissaris: render.Person{Name: c.Commissaris.Name, Email: c.Commissaris.Email},
		Org: render.Org{Name: c.Organisation.Name}}
	card, err := r.Partial(c.Organisation.Language, "tags", d)
	if err != nil {
		return failf("templates: %v", err)
	}
	l := lang(c.Organisation.Language)
	_, err = fmt.Fprintf(e.stdout, "%s\n\n%s\n%s\n", l.say(wording.TagsTitle), card, l.say(wording.TagsMore))
	return err
}
