package klachtd

import "embed"

// Samples are the sample mails `klachtd demo` drops into its embedded mailbox: a filled-in
// Dutch klachtformulier, a free-text complaint, an English complaint, an HTML-only
// windows-1252 mail with the form as a table, and an ordinary mail that is not a complaint.
//
//go:embed testdata/mail/klacht-formulier-nl.eml testdata/mail/klacht-vrije-tekst-nl.eml
//go:embed testdata/mail/complaint-en.eml testdata/mail/klacht-html-windows1252.eml
//go:embed testdata/mail/gewone-mail.eml
var Samples embed.FS
