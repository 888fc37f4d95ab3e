package staffauth

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// res builds an expected result: method=result and "type.name=value" properties.
func res(methodResult string, props ...string) arResult {
	m, r, _ := strings.Cut(methodResult, "=")
	out := arResult{Method: m, Result: r}
	for _, p := range props {
		k, v, _ := strings.Cut(p, "=")
		typ, name, dotted := strings.Cut(k, ".")
		if !dotted {
			typ, name = "", typ
		}
		out.Props = append(out.Props, arProp{Type: typ, Name: name, Value: v})
	}
	return out
}

func withReason(r arResult, reason string) arResult { r.Reason = reason; return r }

// TestParseAuthResults reads Authentication-Results as real servers write them (values as
// go-message hands them over: unfolded, folding white space kept), and the forgeries that a
// parser splitting on ';' falls for.
func TestParseAuthResults(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want arHeader
		err  string // substring of the error; "" means no error
	}{
		// Postfix + OpenDKIM: two signatures, header.b quoted, a comment per result.
		{name: "OpenDKIM, two signatures",
			in: "alsa1.perex.cz;\r\n dkim=pass (2048-bit key) header.d=cerno.tech header.i=@cerno.tech\r\n header.b=\"gGP4c3jX\"; \r\n dkim=pass (2048-bit key) header.d=messagingengine.com\r\n header.i=@messagingengine.com header.b=\"ZWwt3gNz\"",
			want: arHeader{ID: "alsa1.perex.cz", Results: []arResult{
				res("dkim=pass", "header.d=cerno.tech", "header.i=@cerno.tech", "header.b=gGP4c3jX"),
				res("dkim=pass", "header.d=messagingengine.com", "header.i=@messagingengine.com", "header.b=ZWwt3gNz")}}},
		{name: "OpenDKIM with ATPS, a ';' inside the comment",
			in: "gabe.freedesktop.org;\r\n\tdkim=pass (2048-bit key; unprotected) header.d=intel.com header.i=@intel.com header.b=\"QLq/BkM/\";\r\n\tdkim-atps=neutral",
			want: arHeader{ID: "gabe.freedesktop.org", Results: []arResult{
				res("dkim=pass", "header.d=intel.com", "header.i=@intel.com", "header.b=QLq/BkM/"),
				res("dkim-atps=neutral")}}},
		// OpenDMARC writes its own fields, one for DMARC and one for SPF.
		{name: "OpenDMARC, dmarc", in: "smtp.subspace.kernel.org; dmarc=pass (p=none dis=none) header.from=linaro.org",
			want: arHeader{ID: "smtp.subspace.kernel.org", Results: []arResult{res("dmarc=pass", "header.from=linaro.org")}}},
		{name: "OpenDMARC, spf", in: "mail.kernel.org; spf=pass smtp.mailfrom=owner-linux-mm@kvack.org",
			want: arHeader{ID: "mail.kernel.org", Results: []arResult{res("spf=pass", "smtp.mailfrom=owner-linux-mm@kvack.org")}}},
		{name: "amavisd-new: a comment after the authserv-id",
			in:   "smtp1.osuosl.org (amavisd-new);\r\n dkim=pass (2048-bit key) header.d=ziepe.ca",
			want: arHeader{ID: "smtp1.osuosl.org", Results: []arResult{res("dkim=pass", "header.d=ziepe.ca")}}},
		{name: "policyd-spf: a comment full of ';' and '=' after the value",
			in:   "lists.ozlabs.org; spf=pass (sender SPF authorized)\r\n smtp.mailfrom=csgroup.eu (client-ip=93.17.236.30; helo=pegase1.c-s.fr;\r\n envelope-from=christophe.leroy@csgroup.eu; receiver=<UNKNOWN>)",
			want: arHeader{ID: "lists.ozlabs.org", Results: []arResult{res("spf=pass", "smtp.mailfrom=csgroup.eu")}}},
		// rspamd: several dkim results, a quoted envelope sender holding '=', a quoted string
		// inside a comment.
		{name: "rspamd",
			in: "mail.lfdr.de;\r\n\tdkim=pass header.d=qualcomm.com header.s=qcppdkim1 header.b=KH36m19v;\r\n\tdkim=pass header.d=oss.qualcomm.com header.s=google header.b=bnoULkI8;\r\n" +
				"\tspf=pass (mail.lfdr.de: domain of \"linux-arm-msm+bounces-119190-lists+linux-arm-msm=lfdr.de@vger.kernel.org\" designates 172.105.105.114 as permitted sender) smtp.mailfrom=\"linux-arm-msm+bounces-119190-lists+linux-arm-msm=lfdr.de@vger.kernel.org\";\r\n" +
				"\tdmarc=pass (policy=reject) header.from=qualcomm.com;\r\n\tarc=pass (\"subspace.kernel.org:s=arc-20240116:i=1\")",
			want: arHeader{ID: "mail.lfdr.de", Results: []arResult{
				res("dkim=pass", "header.d=qualcomm.com", "header.s=qcppdkim1", "header.b=KH36m19v"),
				res("dkim=pass", "header.d=oss.qualcomm.com", "header.s=google", "header.b=bnoULkI8"),
				res("spf=pass", "smtp.mailfrom=linux-arm-msm+bounces-119190-lists+linux-arm-msm=lfdr.de@vger.kernel.org"),
				res("dmarc=pass", "header.from=qualcomm.com"),
				res("arc=pass")}}},
		// Microsoft 365 (EOP): no authserv-id, bare name=value properties, and the receiving
		// domain written between the results.
		{name: "Microsoft 365",
			in: "spf=pass (sender IP is 209.85.222.48) smtp.mailfrom=valimail.com; dkim=pass (signature was verified) header.d=valimail.com;dmarc=pass action=none header.from=valimail.com;compauth=pass reason=100",
			want: arHeader{Results: []arResult{
				res("spf=pass", "smtp.mailfrom=valimail.com"),
				res("dkim=pass", "header.d=valimail.com"),
				res("dmarc=pass", "action=none", "header.from=valimail.com"),
				withReason(res("compauth=pass"), "100")}}},
		{name: "Microsoft 365 with the receiving domain between results",
			in: "spf=softfail (sender IP is 148.163.150.14)\r\n smtp.mailfrom=gmail.com; wisetechglobal.com; dkim=pass (signature was\r\n verified) header.d=gmail.com;wisetechglobal.com; dmarc=pass action=none\r\n header.from=gmail.com;compauth=pass reason=100",
			want: arHeader{Results: []arResult{
				res("spf=softfail", "smtp.mailfrom=gmail.com"),
				res("dkim=pass", "header.d=gmail.com"),
				res("dmarc=pass", "action=none", "header.from=gmail.com"),
				withReason(res("compauth=pass"), "100")}}},
		{name: "Microsoft 365, not signed",
			in: "spf=pass (sender IP is 10.2.3.4)\r\n  smtp.mailfrom=fabrikam.com; contoso.com; dkim=none\r\n  (message not signed) header.d=none; contoso.com; dmarc=bestguesspass\r\n  action=none header.from=fabrikam.com; compauth=pass reason=109",
			want: arHeader{Results: []arResult{
				res("spf=pass", "smtp.mailfrom=fabrikam.com"),
				res("dkim=none", "header.d=none"),
				res("dmarc=bestguesspass", "action=none", "header.from=fabrikam.com"),
				withReason(res("compauth=pass"), "109")}}},
		// Gmail: header.i without header.d, the comment of the SPF result, DMARC's comment.
		{name: "Gmail",
			in: "mx.google.com;\r\n       dkim=pass header.i=@oracle.com header.s=corp-2018-07-02 header.b=lhk5qU4z;\r\n" +
				"       spf=pass (google.com: domain of daniel.m.jordan@oracle.com designates 156.151.31.86 as permitted sender) smtp.mailfrom=daniel.m.jordan@oracle.com;\r\n" +
				"       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=oracle.com",
			want: arHeader{ID: "mx.google.com", Results: []arResult{
				res("dkim=pass", "header.i=@oracle.com", "header.s=corp-2018-07-02", "header.b=lhk5qU4z"),
				res("spf=pass", "smtp.mailfrom=daniel.m.jordan@oracle.com"),
				res("dmarc=pass", "header.from=oracle.com")}}},
		{name: "Gmail, a quoted envelope sender",
			in: "mx.google.com;\r\n       dkim=pass header.i=@fb.com header.s=facebook header.b=N5uvdv1C;\r\n       spf=pass (google.com: domain of prvs=1078cbd532=songliubraving@fb.com designates 67.231.145.42 as permitted sender) smtp.mailfrom=\"prvs=1078cbd532=songliubraving@fb.com\";\r\n       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=fb.com",
			want: arHeader{ID: "mx.google.com", Results: []arResult{
				res("dkim=pass", "header.i=@fb.com", "header.s=facebook", "header.b=N5uvdv1C"),
				res("spf=pass", "smtp.mailfrom=prvs=1078cbd532=songliubraving@fb.com"),
				res("dmarc=pass", "header.from=fb.com")}}},
		// RFC 8601 itself: none, a version, a method version, several results for one method.
		{name: "none", in: "example.com; none", want: arHeader{ID: "example.com", None: true}},
		{name: "a version and a method version", in: "example.org 1; dkim/1=pass header.d=example.net; iprev=pass policy.iprev=192.0.2.200",
			want: arHeader{ID: "example.org", Version: "1", Results: []arResult{
				{Method: "dkim", Version: "1", Result: "pass", Props: []arProp{{"header", "d", "example.net"}}},
				res("iprev=pass", "policy.iprev=192.0.2.200")}}},
		{name: "a quoted authserv-id", in: `"mx example"; spf=none smtp.mailfrom=x@y`,
			want: arHeader{ID: "mx example", Results: []arResult{res("spf=none", "smtp.mailfrom=x@y")}}},
		{name: "one method failing and passing for two signatures",
			in: "mail-router.example.net;\r\n      dkim=pass (good signature) header.d=newyork.example.com\r\n            header.b=oINEO8hg;\r\n      dkim=fail (bad signature) header.d=newyork.example.com\r\n            header.b=EToRSuvU",
			want: arHeader{ID: "mail-router.example.net", Results: []arResult{
				res("dkim=pass", "header.d=newyork.example.com", "header.b=oINEO8hg"),
				res("dkim=fail", "header.d=newyork.example.com", "header.b=EToRSuvU")}}},
		{name: "reason, smtp.auth, body property, case folded",
			in: `Example.COM; AUTH=Pass (cram-md5) smtp.auth=sender@example.net; DKIM=Fail reason="signature; verification=failed" Header.D=example.net body.hash=x`,
			want: arHeader{ID: "Example.COM", Results: []arResult{
				res("auth=pass", "smtp.auth=sender@example.net"),
				withReason(res("dkim=fail", "header.d=example.net", "body.hash=x"), "signature; verification=failed")}}},

		// What strangers put in quoted strings and comments is data, never a result.
		{name: "the issue's forgery: ';' and '=' inside a quoted local-part",
			in: `mx.groeimeesters.nl; spf=fail smtp.mailfrom="x;dkim=pass header.d=groeimeesters.nl x"@evil.example; dkim=none`,
			want: arHeader{ID: "mx.groeimeesters.nl", Results: []arResult{
				res("spf=fail", `smtp.mailfrom="x;dkim=pass header.d=groeimeesters.nl x"@evil.example`),
				res("dkim=none")}}},
		{name: "a result in a comment copied from a HELO name",
			in:   "mx.groeimeesters.nl; spf=pass (helo x; dkim=pass header.d=groeimeesters.nl ) smtp.mailfrom=x@evil.example",
			want: arHeader{ID: "mx.groeimeesters.nl", Results: []arResult{res("spf=pass", "smtp.mailfrom=x@evil.example")}}},
		{name: "nested comments with quoted pairs",
			in:   `mx.groeimeesters.nl; spf=none (a (b \) ; dkim=pass header.d=groeimeesters.nl) \( c ; dmarc=pass header.from=groeimeesters.nl) smtp.mailfrom=x@evil.example`,
			want: arHeader{ID: "mx.groeimeesters.nl", Results: []arResult{res("spf=none", "smtp.mailfrom=x@evil.example")}}},
		{name: "a quote inside a comment does not open a quoted string",
			in:   `mx.groeimeesters.nl; spf=none (say "hi) smtp.mailfrom=x@evil.example; dkim=none`,
			want: arHeader{ID: "mx.groeimeesters.nl", Results: []arResult{res("spf=none", "smtp.mailfrom=x@evil.example"), res("dkim=none")}}},
		{name: "a result in a quoted reason with an escaped quote",
			in: `mx.groeimeesters.nl; dkim=fail reason="bad \"; dkim=pass header.d=groeimeesters.nl"`,
			want: arHeader{ID: "mx.groeimeesters.nl", Results: []arResult{
				withReason(res("dkim=fail"), `bad "; dkim=pass header.d=groeimeesters.nl`)}}},
		{name: "a result in a quoted header.from",
			in: `mx.groeimeesters.nl; dmarc=fail header.from="evil.example; dmarc=pass header.from=groeimeesters.nl"`,
			want: arHeader{ID: "mx.groeimeesters.nl", Results: []arResult{
				res("dmarc=fail", "header.from=evil.example; dmarc=pass header.from=groeimeesters.nl")}}},

		// Broken fields fail; what was read before the error is kept for the authserv-id.
		{name: "an unterminated quoted string swallows nothing", in: `mx.groeimeesters.nl; spf=fail smtp.mailfrom="x; dkim=pass header.d=groeimeesters.nl`,
			want: arHeader{ID: "mx.groeimeesters.nl"}, err: "unterminated quoted string"},
		{name: "an unterminated comment", in: "mx.groeimeesters.nl; spf=fail (x; dkim=pass header.d=groeimeesters.nl",
			want: arHeader{ID: "mx.groeimeesters.nl"}, err: "unterminated comment"},
		{name: "a stray closing parenthesis", in: "mx.groeimeesters.nl; spf=fail smtp.mailfrom=x) ; dkim=pass header.d=groeimeesters.nl",
			want: arHeader{ID: "mx.groeimeesters.nl", Results: nil}, err: "unexpected character"},
		{name: "no results", in: "mx.groeimeesters.nl", want: arHeader{ID: "mx.groeimeesters.nl"}, err: "no results"},
		{name: "none beside results", in: "mx.groeimeesters.nl; none; dkim=pass header.d=x",
			want: arHeader{ID: "mx.groeimeesters.nl", None: true, Results: []arResult{res("dkim=pass", "header.d=x")}}, err: "beside results"},
		{name: "no authserv-id at all", in: "; dkim=pass header.d=x", err: "no authserv-id"},
		{name: "garbage after the id", in: "mx.groeimeesters.nl dkim=pass", want: arHeader{ID: "mx.groeimeesters.nl"}, err: "expected ';'"},
		{name: "a bad version", in: "mx.groeimeesters.nl 1x; dkim=pass", want: arHeader{ID: "mx.groeimeesters.nl"}, err: "bad authres-version"},
		{name: "a method without a result", in: "mx.groeimeesters.nl; dkim= header.d=x", want: arHeader{ID: "mx.groeimeesters.nl"}, err: "bad result"},
		{name: "too long", in: "mx.groeimeesters.nl; none" + strings.Repeat(" ", maxAuthResLen), err: "more than"},
		{name: "empty", in: "", err: "no authserv-id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAuthResults(tt.in)
			if (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("parseAuthResults() error %v, want %q", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(arHeader{}, arResult{}, arProp{})); diff != "" {
				t.Errorf("parseAuthResults() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseAuthResultsHostile: hostile fields are refused or read in one pass, without
// running away (nesting is counted, not recursed into).
func TestParseAuthResultsHostile(t *testing.T) {
	n := maxAuthResLen/2 - 20
	tests := []struct {
		name, in string
		results  int
		err      string
	}{
		{name: "deep comment nesting", in: "x; spf=none " + strings.Repeat("(", n) + strings.Repeat(")", n), results: 1},
		{name: "deep unterminated nesting", in: "x; spf=none " + strings.Repeat("(", 2*n), err: "unterminated comment"},
		{name: "quoted pairs everywhere", in: `x; spf=none smtp.mailfrom="` + strings.Repeat(`\"`, n) + `"`, results: 1},
		{name: "many empty elements", in: "x" + strings.Repeat(";", 2*n) + " none", err: ""},
		{name: "too many results", in: "x" + strings.Repeat("; a=b", maxAuthResResults+1), err: "more than 100 results"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAuthResults(tt.in)
			if (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			if err == nil && len(got.Results) != tt.results {
				t.Errorf("%d results, want %d", len(got.Results), tt.results)
			}
		})
	}
}

// quoteString writes s as an RFC 5322 quoted string.
func quoteString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// commentString writes s as an RFC 5322 comment.
func commentString(s string) string {
	return "(" + strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(s) + ")"
}

// FuzzParseAuthResults: whatever a stranger chose and a server put in a quoted string or a
// comment, the field reads as the server's two results and nothing else, with the quoted
// text as the value; and no input makes the parser panic or return results that are not
// keywords.
func FuzzParseAuthResults(f *testing.F) {
	f.Add("x;dkim=pass header.d=groeimeesters.nl x", "helo x; dkim=pass header.d=groeimeesters.nl")
	f.Add(`"; dmarc=pass header.from=groeimeesters.nl; "`, `a (b \) ; dkim=pass) c`)
	f.Add(`\`, `(`)
	f.Add("\"", ")) ; dkim=pass header.d=groeimeesters.nl ((")
	f.Fuzz(func(t *testing.T, quoted, comment string) {
		v := "mx.groeimeesters.nl; spf=fail " + commentString(comment) + " smtp.mailfrom=" + quoteString(quoted) +
			"@evil.example reason=" + quoteString(comment) + "; dkim=none " + commentString(quoted) + " header.d=evil.example"
		got, err := parseAuthResults(v)
		if len(v) > maxAuthResLen {
			if err == nil {
				t.Fatalf("%d bytes accepted", len(v))
			}
			return
		}
		if err != nil {
			t.Fatalf("parseAuthResults(%q): %v", v, err)
		}
		want := []arResult{
			withReason(res("spf=fail", "smtp.mailfrom="+quoteString(quoted)+"@evil.example"), comment),
			res("dkim=none", "header.d=evil.example")}
		if got.ID != "mx.groeimeesters.nl" || !cmp.Equal(got.Results, want, cmp.AllowUnexported(arResult{}, arProp{})) {
			t.Fatalf("parseAuthResults(%q) = %+v, want the two results %+v", v, got, want)
		}

		// Any input at all: no panic; results are keywords.
		for _, in := range []string{quoted, comment, "x; " + quoted} {
			h, _ := parseAuthResults(in)
			for _, r := range h.Results {
				if !isKeyword(r.Method) || !isKeyword(r.Result) || r.Method != strings.ToLower(r.Method) || !utf8.ValidString(r.Method) {
					t.Fatalf("parseAuthResults(%q): result %q=%q", in, r.Method, r.Result)
				}
			}
		}
	})
}
