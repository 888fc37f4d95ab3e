package staffauth

import (
	"context"
	"strings"
	"testing"
)

// BenchmarkParseAuthResults: a real multi-result field (rspamd), and the longest hostile field
// the parser accepts (nested comments filling maxAuthResLen).
func BenchmarkParseAuthResults(b *testing.B) {
	n := maxAuthResLen/2 - 20
	for _, bc := range []struct{ name, in string }{
		{"rspamd", "mail.lfdr.de;\r\n\tdkim=pass header.d=qualcomm.com header.s=qcppdkim1 header.b=KH36m19v;\r\n\tdkim=pass header.d=oss.qualcomm.com header.s=google header.b=bnoULkI8;\r\n" +
			"\tspf=pass (mail.lfdr.de: domain of \"a+b=c@vger.kernel.org\" designates 172.105.105.114 as permitted sender) smtp.mailfrom=\"a+b=c@vger.kernel.org\";\r\n" +
			"\tdmarc=pass (policy=reject) header.from=qualcomm.com;\r\n\tarc=pass (\"subspace.kernel.org:s=arc-20240116:i=1\")"},
		{"hostile-16KiB", "x; spf=none " + strings.Repeat("(", n) + strings.Repeat(")", n)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.in)))
			for b.Loop() {
				if _, err := parseAuthResults(bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckAuthserv: Check in authserv mode on a staff mail with the header of
// Postfix, OpenDKIM and OpenDMARC delivered by Dovecot (the header facts included).
func BenchmarkCheckAuthserv(b *testing.B) {
	raw := compose(append([]string{dovecotLMTP, postfixReceived,
		"Authentication-Results: " + arID + "; dmarc=pass (p=none dis=none) header.from=groeimeesters.nl",
		"Authentication-Results: " + arID + "; dkim=pass (2048-bit key; unprotected) header.d=groeimeesters.nl header.b=\"QLq/BkM/\"",
		sigField}, staffHeaders...), staffBody)
	p := Policy{Mode: ModeAuthserv, AuthservID: arID, TrustedReceived: 2}
	for b.Loop() {
		if v := Check(context.Background(), raw, "anne@groeimeesters.nl", p, nil); !v.OK {
			b.Fatal(v.Reason)
		}
	}
}
