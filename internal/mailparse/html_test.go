package mailparse

import "testing"

func TestHTMLToText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"paragraphs", "<p>Een</p><p>Twee</p>", "Een\n\nTwee"},
		{"line breaks", "Een<br>Twee<br><br>Drie", "Een\nTwee\n\nDrie"},
		{"whitespace", "<div>  veel \n\t ruimte  </div>", "veel ruimte"},
		{"entities", "caf&eacute; &euro; 5&nbsp;&amp; meer", "café € 5 & meer"},
		{"list", "<ul><li>een</li><li>twee</li></ul><ol><li>a</li><li>b</li></ol>", "- een\n- twee\n1. a\n2. b"},
		{"link", `Zie <a href="https://example.nl/x">de site</a>.`, "Zie de site (https://example.nl/x)."},
		{"link same as text", `<a href="https://example.nl/">https://example.nl/</a>`, "https://example.nl/"},
		{"mailto", `<a href="mailto:info@example.nl">info@example.nl</a> of <a href="mailto:info@example.nl?subject=x">mail ons</a>`,
			"info@example.nl of mail ons (info@example.nl)"},
		{"script and style", "<style>p{}</style><script>alert(1)</script><p>Tekst</p>", "Tekst"},
		{"head", "<html><head><title>Titel</title></head><body>Body</body></html>", "Body"},
		{"form table", "<table><tr><td>Naam</td><td>Jan</td></tr><tr><td>Datum:</td><td>1 mei</td></tr></table>",
			"Naam: Jan\nDatum: 1 mei"},
		{"wide table", "<table><tr><th>a</th><th>b</th><th>c</th></tr></table>", "a | b | c"},
		{"unclosed cells", "<table><tr><td>Naam<td>Jan<tr><td>Dienst<td>training</table>", "Naam: Jan\nDienst: training"},
		{"blockquote", "Ja.<blockquote>Vraag?<br>Nog een</blockquote>Groet", "Ja.\n> Vraag?\n> Nog een\nGroet"},
		{"outlook paragraphs", `<p class=MsoNormal>Een<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Twee</p>`,
			"Een\n\nTwee"},
		{"pre", "<pre>  a\n    b</pre>", "a\n    b"},
		{"garbage", "<<<>>><td></tr></table></blockquote><a>", "<<<>>>"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		if got := HTMLToText(tt.in); got != tt.want {
			t.Errorf("%s: HTMLToText(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
