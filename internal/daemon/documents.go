package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/docreader"
	"github.com/groeimeesters/klachtd/internal/form"
	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// maxFormDocument is the largest attachment form extraction opens. A filled-in klachtformulier
// (.docx or .pdf) is tens of kilobytes; a bigger document is a scan or a report, not the form.
// It is below form's own cap on documents (20 MB), so what is kept is never refused there.
const maxFormDocument = 5 << 20

// maxFormDocuments bounds how many attached documents of one mail are read.
const maxFormDocuments = 10

// formDocument tells which attachments' data Handle keeps: only documents form extraction
// reads (form.DocumentKind), up to maxFormDocument. Other attachments are measured, not
// decoded: a 25 MB video or a 25 MB PDF costs no memory.
func formDocument(filename, contentType string, size int, head []byte) bool {
	return size <= maxFormDocument && form.DocumentKind(filename, contentType, head) != ""
}

// SkippedDocument is an attached document that was not read, and why: the case is still
// registered from the mail's text, and staff are told.
type SkippedDocument struct {
	Name   string
	Reason docreader.Reason
}

// documentKind is the kind of document a is for form extraction (form.DocumentKind), or "".
func documentKind(a mailparse.Attachment) string {
	return form.DocumentKind(a.Filename, a.ContentType, a.Data[:min(len(a.Data), 5)])
}

// extract reads the klachtformulier of a registration. Its attached .docx and .pdf files come
// from strangers: each is read in a short-lived child process with limits on memory, CPU and
// wall time (internal/docreader), all of one mail within docreader.MailBudget, never in this
// process. A document that goes over a limit is skipped and reported; one that is merely
// unreadable is left out, as form.Extract does. The error is only ever ctx's. ahead is the
// form read from the same mail's text before (prepared), or nil.
func (d *Daemon) extract(ctx context.Context, r Registration, ahead *textForm) (form.Result, []SkippedDocument, error) {
	var docs []docreader.Document
	var atts []form.Attachment
	var skipped []SkippedDocument
	tooMany := false
	for _, a := range r.Attachments {
		kind := documentKind(a)
		if kind == "" {
			continue
		}
		if len(atts) >= maxFormDocuments {
			// Noted once, for the first document past the limit: the note says that only the
			// first ones are read, and a mail of 500 documents must not write 490 notes.
			if !tooMany {
				skipped = append(skipped, SkippedDocument{Name: a.Filename, Reason: docreader.ReasonTooMany})
				tooMany = true
			}
			continue
		}
		if a.Data == nil {
			if a.Size > 0 { // not kept: over maxFormDocument, or the mail's budget
				skipped = append(skipped, SkippedDocument{Name: a.Filename, Reason: docreader.ReasonSize})
			}
			continue
		}
		docs = append(docs, docreader.Document{Kind: kind, Data: a.Data})
		atts = append(atts, form.Attachment{Filename: a.Filename, ContentType: a.ContentType, Kind: kind})
	}
	var read []form.Attachment
	for i, res := range d.docs.ReadAll(ctx, docs) {
		var se *docreader.SkipError
		switch {
		case res.Err == nil:
			atts[i].Text = res.Text
			read = append(read, atts[i])
		case errors.As(res.Err, &se):
			skipped = append(skipped, SkippedDocument{Name: atts[i].Filename, Reason: se.Reason})
		case errors.Is(res.Err, docreader.ErrUnreadable):
		default:
			return form.Result{}, nil, fmt.Errorf("read attached documents: %w", res.Err)
		}
	}
	if len(read) == 0 && ahead != nil && ahead.text == r.Text && ahead.html == r.HTML && ahead.name == r.Name {
		return ahead.res, skipped, nil // read ahead from the same text (prepared)
	}
	return form.Extract(r.Text, r.HTML, read, r.Name, d.cfg.Complaints.Services), skipped, nil
}

// noteSkipped puts each skipped document on the case's timeline and returns the notes for the
// staff notice: which document, and why (never its content).
func (d *Daemon) noteSkipped(tx *store.Tx, caseID string, skipped []SkippedDocument, now time.Time) ([]string, error) {
	var notes []string
	for _, s := range skipped {
		why := d.skipReason(s.Reason)
		if err := tx.AddEvent(caseID, store.Event{At: now, Kind: string(complaint.EventDocumentSkipped),
			Text: d.say(wording.DocSkippedEvent, s.Name, why)}); err != nil {
			return nil, err
		}
		notes = append(notes, d.say(wording.DocSkippedNote, s.Name, why))
	}
	return notes, nil
}

// skipReason says in words why a document was skipped.
func (d *Daemon) skipReason(r docreader.Reason) string {
	switch r {
	case docreader.ReasonMemory:
		return d.say(wording.DocMemory)
	case docreader.ReasonCPU:
		return d.say(wording.DocCPU)
	case docreader.ReasonTime:
		return d.say(wording.DocTime)
	case docreader.ReasonOutput, docreader.ReasonSize:
		return d.say(wording.DocSize)
	case docreader.ReasonComplex:
		return d.say(wording.DocComplex)
	case docreader.ReasonNoChild, docreader.ReasonStart:
		return d.say(wording.DocNoReader)
	case docreader.ReasonTooMany:
		return d.say(wording.DocTooMany, maxFormDocuments)
	}
	return d.say(wording.DocFailed)
}
