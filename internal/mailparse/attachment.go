package mailparse

import (
	"bytes"
	"path"
	"strings"
)

// maxAttachments bounds the attachments kept per message.
const maxAttachments = 500

// attachment keeps a leaf part as an attachment. When KeepData does not want its content,
// the content is measured and sniffed without being decoded.
func (w *walker) attachment(p part, body []byte, c *collector) {
	if w.opt.KeepData != nil {
		var head []byte
		size, lenient, measured := 0, false, true
		switch p.cte {
		case "base64":
			head, _ = decodeBase64(body[:min(len(body), headSize*2)])
			size, lenient = base64Size(body)
		case "", "7bit", "8bit", "binary":
			head, size = body, len(body)
		default:
			measured = false
		}
		if measured {
			ct, name := attachmentType(p)
			if !w.opt.KeepData(name, ct, size, head[:min(len(head), headSize)]) {
				if lenient {
					w.msg.problem("malformed base64 content read leniently")
				}
				w.keepAttachment(Attachment{Filename: name, ContentType: ct, Size: size}, nil, c)
				return
			}
		}
	}
	data, owned := w.decode(p, body)
	if !owned {
		data = bytes.Clone(data)
	}
	w.attach(p, data, c)
}

// attach keeps a part as an attachment, with its data while the budget allows and KeepData
// wants it.
func (w *walker) attach(p part, data []byte, c *collector) {
	ct, name := attachmentType(p)
	if w.opt.KeepData != nil && !w.opt.KeepData(name, ct, len(data), data[:min(len(data), headSize)]) {
		w.keepAttachment(Attachment{Filename: name, ContentType: ct, Size: len(data)}, nil, c)
		return
	}
	w.keepAttachment(Attachment{Filename: name, ContentType: ct, Size: len(data)}, data, c)
}

// keepAttachment adds a, with data (nil: none) when the budget allows.
func (w *walker) keepAttachment(a Attachment, data []byte, c *collector) {
	if len(c.attachments) >= maxAttachments {
		w.msg.problem("more than %d attachments: the rest skipped", maxAttachments)
		return
	}
	if data != nil {
		if w.spend(len(data)) {
			a.Data = data
		} else {
			w.msg.problem("attachment %s: data dropped, size limit", a.Filename)
		}
	}
	c.attachments = append(c.attachments, a)
}

// attachmentType is the content type and file name a part gets as an Attachment.
func attachmentType(p part) (contentType, filename string) {
	ct := strings.ToLower(cleanToken(p.mediaType))
	if ct == "" || !strings.Contains(ct, "/") {
		ct = "application/octet-stream"
	}
	return truncateUTF8(ct, 100), sanitizeFilename(p.filename, ct)
}

// base64Size is the length decodeBase64 would return, and whether it would find the content
// malformed, without decoding.
func base64Size(b []byte) (n int, lenient bool) {
	valid := 0
	for _, c := range b {
		if _, ok := base64Value(c); ok {
			valid++
		} else if c != '=' && c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			lenient = true
		}
	}
	n = valid / 4 * 3
	switch valid % 4 {
	case 1:
		lenient = true
	case 2:
		n++
	case 3:
		n += 2
	}
	return n, lenient
}

// sanitizeFilename makes a name safe to show and store: no directory, no control or
// reserved characters, at most 200 bytes with the extension kept, never empty.
func sanitizeFilename(name, contentType string) string {
	name = cleanLine(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:*?"<>|`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if name == "" {
		return "attachment" + extensionByType(contentType)
	}
	if len(name) > 200 {
		ext := path.Ext(name)
		if len(ext) > 20 {
			ext = ""
		}
		name = truncateUTF8(strings.TrimSuffix(name, ext), 200-len(ext)) + ext
	}
	return name
}

var typeExtensions = map[string]string{
	"application/pdf": ".pdf",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/msword": ".doc",
	"image/png":          ".png",
	"image/jpeg":         ".jpg",
	"image/gif":          ".gif",
	"text/plain":         ".txt",
	"text/html":          ".html",
	"text/calendar":      ".ics",
	"message/rfc822":     ".eml",
}

func extensionByType(ct string) string {
	return typeExtensions[ct]
}

// typeByExtension guesses a content type from a file name, without the system's MIME tables.
func typeByExtension(name string) string {
	ext := strings.ToLower(path.Ext(name))
	for ct, e := range typeExtensions {
		if e == ext {
			return ct
		}
	}
	if ext == ".jpeg" {
		return "image/jpeg"
	}
	return "application/octet-stream"
}
