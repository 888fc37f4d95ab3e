package render

import (
	"fmt"
	texttemplate "text/template"
	"text/template/parse"
)

// checkRefs reports a {{template "name"}} call to a template that no file defines, naming
// the file that makes the call, so that a missing partial fails at start, not at first send.
// sources maps a parsed file's template name ("nl/status.tmpl") to where it was read.
func checkRefs(tt *texttemplate.Template, sources map[string]string) error {
	for _, t := range tt.Templates() {
		if t.Tree == nil {
			continue
		}
		var missing string
		walk(t.Tree.Root, func(name string) {
			if missing == "" && tt.Lookup(name) == nil {
				missing = name
			}
		})
		if missing != "" {
			src := sources[t.Tree.ParseName]
			if src == "" {
				src = t.Tree.ParseName
			}
			return fmt.Errorf("render: %s: {{template %q}} is not defined in any template file", src, missing)
		}
	}
	return nil
}

// walk calls fn with the name of every {{template}} call below n.
func walk(n parse.Node, fn func(string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walk(c, fn)
		}
	case *parse.TemplateNode:
		fn(n.Name)
	case *parse.IfNode:
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *parse.RangeNode:
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *parse.WithNode:
		walk(n.List, fn)
		walk(n.ElseList, fn)
	}
}
